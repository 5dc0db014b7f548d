package dev.baton.cli;

import dev.baton.runtime.registry.CheckMode;
import dev.baton.runtime.registry.ConsulSettings;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --registry}, {@code --consul} and {@code --consul-check}, shared by the server commands.
 * Consul is chosen by {@code --registry consul}, by {@code --consul}, or by CONSUL_HTTP_ADDR being
 * set (unless {@code --registry embedded} says otherwise).
 */
final class RegistryOptions {
  enum Kind {
    embedded,
    consul
  }

  @Option(names = "--registry", paramLabel = "embedded|consul",
      description = "Where orchestrators register: embedded (the master's registry) or consul"
          + " (default: consul when $CONSUL_HTTP_ADDR or --consul is set, else embedded).")
  Kind registry;

  @Option(names = "--consul", paramLabel = "HOST:PORT",
      description = "HTTP address of the local Consul agent (default: $CONSUL_HTTP_ADDR, else "
          + ConsulSettings.DEFAULT_ADDRESS + "); implies --registry consul.")
  String consul;

  @Option(names = "--consul-check", paramLabel = "grpc|ttl|grpc+ttl", defaultValue = "grpc",
      description = "Consul health checks: grpc (the agent dials grpc.health.v1), ttl (this process"
          + " reports in; for an agent that cannot reach this port) or grpc+ttl (default: ${DEFAULT-VALUE}).")
  String check;

  /** The Consul settings, or null for the embedded registry. */
  ConsulSettings settings() {
    return settings(System.getenv());
  }

  ConsulSettings settings(Map<String, String> env) {
    boolean fromEnv = env.get(ConsulSettings.ENV_ADDRESS) != null && !env.get(ConsulSettings.ENV_ADDRESS).isBlank();
    boolean wanted = registry == Kind.consul || (registry == null && (consul != null || fromEnv));
    if (registry == Kind.embedded && consul != null) {
      throw CliException.invalidInput("--consul " + consul + " with --registry embedded (expected: one of them)");
    }
    if (!wanted) {
      return null;
    }
    try {
      return ConsulSettings.builder()
          .address(ConsulSettings.resolveAddress(consul, env, true))
          .checkMode(CheckMode.parse(check))
          .build();
    } catch (IllegalArgumentException e) {
      throw CliException.invalidInput(e.getMessage());
    }
  }
}
