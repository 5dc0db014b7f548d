package dev.baton.runtime.metrics;

import io.grpc.ManagedChannelBuilder;
import io.grpc.ServerBuilder;
import io.grpc.opentelemetry.GrpcOpenTelemetry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.util.List;

/**
 * gRPC server and client metrics from grpc-java's own instrumentation (grpc-opentelemetry's
 * {@code grpc.server.call.*} and {@code grpc.client.attempt.*}/{@code grpc.client.call.*}
 * instruments) in the process's {@code /metrics}: an OpenTelemetry {@link SdkMeterProvider} whose
 * {@link PrometheusMetricReader} is registered in the Prometheus registry micrometer scrapes, so one
 * scrape shows micrometer's meters and gRPC's side by side.
 *
 * <p>Process-wide on purpose: every server and channel Baton builds passes through {@link
 * #server} and {@link #client} (GrpcServer, ClientSecurity), and a process serves one {@code
 * /metrics}. Until {@link #install} runs (no {@code --metrics-port}, and in tests that run many
 * servers in one JVM) both are no-ops. Builders made before {@link #install} stay uninstrumented,
 * so a process installs before it builds its servers.
 *
 * <p>The {@code grpc.target} label is "other" for every channel: the addresses of pods come and go,
 * and a label per address would grow without bound. This class configures no tracing (that is
 * {@code dev.baton.runtime.telemetry}'s part): its OpenTelemetry has a no-op tracer provider.
 */
public final class GrpcMetrics {
  /** The instruments grpc-java records (the stable ones, and the per-call duration clients see). */
  static final List<String> INSTRUMENTS = List.of(
      "grpc.server.call.started", "grpc.server.call.duration",
      "grpc.server.call.sent_total_compressed_message_size", "grpc.server.call.rcvd_total_compressed_message_size",
      "grpc.client.attempt.started", "grpc.client.attempt.duration", "grpc.client.call.duration",
      "grpc.client.attempt.sent_total_compressed_message_size",
      "grpc.client.attempt.rcvd_total_compressed_message_size");

  private static volatile GrpcOpenTelemetry installed;
  private static PrometheusMeterRegistry installedIn;

  private GrpcMetrics() {}

  /**
   * Exports gRPC's metrics into {@code registry}'s scrape from now on; idempotent for the same
   * registry.
   *
   * @throws IllegalStateException when another registry was installed before (one per process)
   */
  public static synchronized void install(PrometheusMeterRegistry registry) {
    if (installedIn == registry) {
      return;
    }
    if (installedIn != null) {
      throw new IllegalStateException("gRPC metrics are already exported to another registry"
          + " (one /metrics per process: install them once, before building servers and channels)");
    }
    PrometheusMetricReader reader = PrometheusMetricReader.builder()
        .setOtelScopeLabelsEnabled(false)
        .setTargetInfoMetricEnabled(false)
        .build();
    registry.getPrometheusRegistry().register(reader);
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    installed = GrpcOpenTelemetry.newBuilder()
        .sdk(new MetricsOnly(meters))
        .enableMetrics(INSTRUMENTS)
        .targetAttributeFilter(target -> false)
        .build();
    installedIn = registry;
  }

  /** Instruments {@code builder}'s server when {@link #install} ran; returns it. */
  public static <T extends ServerBuilder<?>> T server(T builder) {
    GrpcOpenTelemetry g = installed;
    if (g != null) {
      g.configureServerBuilder(builder);
    }
    return builder;
  }

  /** Instruments {@code builder}'s channel when {@link #install} ran; returns it. */
  public static <T extends ManagedChannelBuilder<?>> T client(T builder) {
    GrpcOpenTelemetry g = installed;
    if (g != null) {
      g.configureChannelBuilder(builder);
    }
    return builder;
  }

  /** An OpenTelemetry with meters only: tracing and propagation stay the telemetry package's business. */
  private record MetricsOnly(MeterProvider meterProvider) implements OpenTelemetry {
    @Override
    public MeterProvider getMeterProvider() {
      return meterProvider;
    }

    @Override
    public TracerProvider getTracerProvider() {
      return TracerProvider.noop();
    }

    @Override
    public ContextPropagators getPropagators() {
      return ContextPropagators.noop();
    }
  }
}
