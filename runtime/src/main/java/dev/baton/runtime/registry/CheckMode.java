package dev.baton.runtime.registry;

/**
 * Which Consul health checks a registration carries.
 *
 * <p>{@link #GRPC} is right when the Consul agent can dial the orchestrator's port (same host, or a
 * flat network). {@link #TTL} is for when it cannot (the orchestrator is behind NAT, in another
 * network namespace, or the agent runs elsewhere): the process itself reports it is alive.
 * {@link #GRPC_AND_TTL} asks both: the service is passing only while the agent reaches the port
 * and the process keeps reporting, which also catches a process that accepts connections but whose
 * scheduler is stuck.
 */
public enum CheckMode {
  GRPC,
  TTL,
  GRPC_AND_TTL;

  boolean grpc() {
    return this != TTL;
  }

  boolean ttl() {
    return this != GRPC;
  }

  /** Parses {@code grpc}, {@code ttl} or {@code grpc+ttl} (as on the command line). */
  public static CheckMode parse(String text) {
    return switch (text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "grpc" -> GRPC;
      case "ttl" -> TTL;
      case "grpc+ttl", "grpc_and_ttl", "both" -> GRPC_AND_TTL;
      default -> throw new IllegalArgumentException(
          "consul check mode: '" + text + "' (expected: grpc, ttl or grpc+ttl)");
    };
  }
}
