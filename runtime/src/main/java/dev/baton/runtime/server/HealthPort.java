package dev.baton.runtime.server;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plaintext gRPC port that serves {@code grpc.health.v1} and nothing else, for probes that cannot
 * speak TLS: the kubelet's native gRPC probes never do (docs/kubernetes.md). It reads the same
 * {@link HealthStatusManager} as the process's main server, so {@code ""} and the role's service
 * report readiness exactly as there, and it adds {@link #LIVENESS}, SERVING from start to shutdown.
 *
 * <p>Why plaintext is allowed off loopback without {@code --insecure}: a health answer holds one
 * enum per service name and nothing a caller could use, the service takes no other call, and
 * requests are capped at {@link #MAX_INBOUND_BYTES}. It is the one documented exception to {@link
 * dev.baton.runtime.security.BindGuard} (docs/security.md). Handlers run on the transport's threads
 * (the health service never blocks).
 */
public final class HealthPort implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthPort.class);
  /** The service name a liveness probe asks for: SERVING while the process runs. */
  public static final String LIVENESS = "liveness";
  /** A HealthCheckRequest is a service name: 4 KiB is plenty. */
  static final int MAX_INBOUND_BYTES = 4 * 1024;
  /** Probes open a call or two at a time; more on one connection is not a probe. */
  static final int MAX_CALLS_PER_CONNECTION = 16;

  private final Server server;
  private final String host;

  private HealthPort(Server server, String host) {
    this.server = server;
    this.host = host;
  }

  /** Binds {@code host:port} (0: a free port) and serves {@code health}'s statuses there. */
  static HealthPort start(String host, int port, HealthStatusManager health) {
    health.setStatus(LIVENESS, ServingStatus.SERVING);
    Server server;
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
          .addService(health.getHealthService())
          .directExecutor()
          .maxInboundMessageSize(MAX_INBOUND_BYTES)
          .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port
          + " for the health port (is the port in use? pass another --health-port)", e);
    }
    log.info("health port listening on {}:{} (plaintext, grpc.health.v1 only)", host, server.getPort());
    return new HealthPort(server, host);
  }

  public int port() {
    return server.getPort();
  }

  /** {@code host:port} that clients on this machine can dial. */
  public String address() {
    return GrpcServer.dialable(host, port());
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(1, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
