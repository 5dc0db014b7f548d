package dev.baton.runtime.registry;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one process registers in Consul.
 *
 * @param service the service name ({@link ServiceNames})
 * @param id the service id: the instance id, unique across the datacenter
 * @param host the address the other roles (and the agent's gRPC check) dial
 * @param port the gRPC port
 * @param tags Consul tags
 * @param meta Consul service meta (keys up to 128 characters, values up to 512, at most 64 pairs)
 */
public record ServiceRegistration(
    String service, String id, String host, int port, List<String> tags, Map<String, String> meta) {
  static final int MAX_META_KEY = 128;
  static final int MAX_META_VALUE = 512;
  static final int MAX_META_PAIRS = 64;

  public ServiceRegistration {
    if (service == null || !service.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("service: '" + service + "' (expected: [a-z0-9-]+)");
    }
    if (id == null || !id.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("id: '" + id + "' (expected: [A-Za-z0-9._-]+)");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host: '" + host + "' (expected: an address others can dial)");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    tags = List.copyOf(tags);
    meta = Map.copyOf(Objects.requireNonNull(meta, "meta"));
    if (meta.size() > MAX_META_PAIRS) {
      throw new IllegalArgumentException("meta: " + meta.size() + " pairs (expected: <= " + MAX_META_PAIRS + ")");
    }
    meta.forEach((k, v) -> {
      if (k.length() > MAX_META_KEY || !k.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException("meta key: '" + k + "' (expected: [A-Za-z0-9_-]{1,128})");
      }
      if (v.length() > MAX_META_VALUE) {
        throw new IllegalArgumentException(
            "meta '" + k + "': " + v.length() + " characters (expected: <= " + MAX_META_VALUE + ")");
      }
    });
  }

  /**
   * The tag of a process that serves TLS: the agent's gRPC check then dials it with TLS (without
   * verifying the certificate, which chains to Baton's CA, not the agent's; the check reads only health).
   */
  public static final String TLS_TAG = "tls";

  /** This registration with {@link #TLS_TAG} when {@code tls}. */
  public ServiceRegistration withTls(boolean tls) {
    if (!tls || tags.contains(TLS_TAG)) {
      return this;
    }
    List<String> more = new java.util.ArrayList<>(tags);
    more.add(TLS_TAG);
    return new ServiceRegistration(service, id, host, port, more, meta);
  }

  /** True when the process serves TLS ({@link #TLS_TAG}). */
  public boolean tls() {
    return tags.contains(TLS_TAG);
  }

  /** {@code host:port}. */
  public String address() {
    return host + ":" + port;
  }

  /**
   * The ids of the health checks this registration carries in {@code mode}, as Consul names them
   * (a session tied to them is invalidated when one turns critical).
   */
  public List<String> checkIds(CheckMode mode) {
    List<String> ids = new java.util.ArrayList<>();
    if (mode.grpc()) {
      ids.add(grpcCheckId());
    }
    if (mode.ttl()) {
      ids.add(ttlCheckId());
    }
    return List.copyOf(ids);
  }

  String grpcCheckId() {
    return "service:" + id + ":grpc";
  }

  String ttlCheckId() {
    return "service:" + id + ":ttl";
  }
}
