package dev.baton.cli;

import dev.baton.runtime.telemetry.Telemetry;

/** The server commands' tracing set-up: OTEL_* variables, off unless asked for (docs/observability.md "Traces"). */
final class Tracing {
  private Tracing() {}

  /** Turns tracing on when the environment asks for it; a refused configuration is bad input (exit 2). */
  static void init(String defaultServiceName) {
    try {
      Telemetry.initFromEnvironment(defaultServiceName);
    } catch (IllegalArgumentException e) {
      throw CliException.invalidInput(e.getMessage());
    }
  }
}
