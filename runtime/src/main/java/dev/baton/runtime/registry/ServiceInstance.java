package dev.baton.runtime.registry;

import java.util.List;
import java.util.Map;

/**
 * One passing instance of a service as Consul reports it.
 *
 * @param id the service id (Baton's instance id)
 * @param host the service address, or the node's when the service registered none
 */
public record ServiceInstance(
    String service, String id, String host, int port, List<String> tags, Map<String, String> meta) {
  public ServiceInstance {
    tags = List.copyOf(tags);
    meta = Map.copyOf(meta);
  }

  /** {@code host:port} to dial. */
  public String address() {
    return host + ":" + port;
  }
}
