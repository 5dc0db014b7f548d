package dev.baton.cli;

import dev.baton.runtime.metrics.MetricsPort;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The ports a platform probes and scrapes ({@code baton master} and {@code baton orchestrator}):
 * {@code --health-port}, plaintext {@code grpc.health.v1} for probes that cannot speak TLS (the
 * kubelet's), and {@code --metrics-port}, Prometheus text at {@code /metrics}. Both bind the
 * process's {@code --host}; -1 (the default) serves neither.
 */
final class ProbeOptions {
  @Option(names = "--health-port", paramLabel = "PORT", defaultValue = "${env:BATON_HEALTH_PORT:--1}",
      description = "Serve grpc.health.v1 alone, in plaintext, on this port of --host (for Kubernetes' gRPC"
          + " probes, which cannot speak TLS): services \"\" and the role's carry readiness, \"liveness\""
          + " liveness; 0 takes a free port, -1 serves none (default: $BATON_HEALTH_PORT, else -1).")
  int healthPort = -1;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "${env:BATON_METRICS_PORT:--1}",
      description = "Serve Prometheus metrics at http://HOST:PORT/metrics on --host; 0 takes a free port,"
          + " -1 serves none (default: $BATON_METRICS_PORT, else -1).")
  int metricsPort = -1;

  /** Checks both ports: -1..65535. */
  void validate() {
    check("--health-port", healthPort);
    check("--metrics-port", metricsPort);
  }

  private static void check(String option, int port) {
    if (port < -1 || port > 65_535) {
      throw CliException.invalidInput(option + ": " + port
          + " (expected: a port 1..65535, 0 for a free one, or -1 for none)");
    }
  }

  /** The process's registry once {@link #installMetrics} ran with a metrics port; null before or without one. */
  private PrometheusMeterRegistry registry;

  /**
   * With {@code --metrics-port}, makes a registry the process's metrics (JVM, gRPC, the global
   * registry's meters: {@code ProcessMetrics}); call it before building servers and channels, so
   * that gRPC's instrumentation sees them.
   */
  void installMetrics() {
    if (metricsPort >= 0 && registry == null) {
      registry = dev.baton.runtime.metrics.ProcessMetrics.install(MetricsPort.newRegistry());
    }
  }

  /** The metrics port with the gauges {@code bind} registers, or null when {@code --metrics-port} is -1. */
  MetricsPort startMetrics(String host, Consumer<PrometheusMeterRegistry> bind) {
    if (metricsPort < 0) {
      return null;
    }
    installMetrics();
    bind.accept(registry);
    return MetricsPort.start(host, metricsPort, registry);
  }
}
