package dev.baton.runtime.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's tracing: the OpenTelemetry SDK configured by the standard OTEL_* variables when
 * tracing is asked for ({@link #requested}), else OpenTelemetry's no-op (no exporter, no thread, spans
 * that cost a few allocations). One per process, installed once at start by the server commands;
 * read by every span site through {@link #tracer()} (a volatile read, any thread).
 *
 * <p>Only traces: the SDK's metrics and logs exporters are off by default (the metrics part builds
 * its own meter provider for gRPC's instruments; Prometheus scrapes the metrics port).
 */
public final class Telemetry {
  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);
  /** The instrumentation scope of every Baton span. */
  public static final String SCOPE = "dev.baton";

  private static volatile OpenTelemetry current = OpenTelemetry.noop();
  private static volatile Tracer tracer = current.getTracer(SCOPE);

  private Telemetry() {}

  /**
   * Whether the configuration asks for traces: OTEL_SDK_DISABLED is not {@code true}, and
   * OTEL_TRACES_EXPORTER names an exporter other than {@code none}, or an OTLP endpoint is set
   * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). Each variable may also be
   * given as the SDK's system property ({@code -Dotel.traces.exporter=otlp}), which wins, as in the SDK.
   */
  public static boolean requested(Map<String, String> env, Properties props) {
    if ("true".equalsIgnoreCase(setting("OTEL_SDK_DISABLED", env, props))) {
      return false;
    }
    String exporter = setting("OTEL_TRACES_EXPORTER", env, props).toLowerCase(Locale.ROOT);
    if (!exporter.isEmpty()) {
      return !exporter.equals("none");
    }
    return !setting("OTEL_EXPORTER_OTLP_ENDPOINT", env, props).isEmpty()
        || !setting("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", env, props).isEmpty();
  }

  /** OTEL_FOO_BAR from {@code -Dotel.foo.bar}, else from the environment; trimmed, "" when unset. */
  static String setting(String variable, Map<String, String> env, Properties props) {
    String property = props.getProperty(variable.toLowerCase(Locale.ROOT).replace('_', '.'));
    String value = property != null ? property : env.getOrDefault(variable, "");
    return value.trim();
  }

  /**
   * Sets up this process's tracing from its environment (see {@link #requested}), closing (flushing)
   * the SDK at JVM shutdown. Returns whether traces are exported. A configuration the SDK refuses
   * (a malformed endpoint, an unknown sampler) throws {@link IllegalArgumentException} with its
   * one-line reason, so the process fails at start instead of tracing nothing.
   *
   * @param defaultServiceName the service.name unless OTEL_SERVICE_NAME (or
   *     OTEL_RESOURCE_ATTRIBUTES' service.name) says otherwise: {@code baton-master},
   *     {@code baton-orchestrator-<domain>}
   */
  public static synchronized boolean initFromEnvironment(String defaultServiceName) {
    return init(System.getenv(), System.getProperties(), defaultServiceName);
  }

  static synchronized boolean init(Map<String, String> env, Properties props, String defaultServiceName) {
    if (!requested(env, props)) {
      return false;
    }
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", defaultServiceName);
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    // The given settings as the SDK's properties (the process's own environment and system
    // properties, read by the SDK too, are these same maps outside tests).
    env.forEach((k, v) -> {
      if (k.startsWith("OTEL_")) {
        defaults.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
      }
    });
    props.stringPropertyNames().stream().filter(k -> k.startsWith("otel."))
        .forEach(k -> defaults.put(k, props.getProperty(k)));
    OpenTelemetrySdk sdk;
    try {
      sdk = AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> defaults)
          .disableShutdownHook()
          .build()
          .getOpenTelemetrySdk();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("OTEL_* configuration refused: " + e.getMessage()
          + " (fix the variable it names, or unset OTEL_TRACES_EXPORTER and OTEL_EXPORTER_OTLP_*ENDPOINT to turn tracing off)", e);
    }
    install(sdk);
    Runtime.getRuntime().addShutdownHook(new Thread(sdk::close, "otel-shutdown"));
    String service = setting("OTEL_SERVICE_NAME", env, props);
    String exporter = setting("OTEL_TRACES_EXPORTER", env, props);
    String sampler = setting("OTEL_TRACES_SAMPLER", env, props);
    log.info("tracing on: service {}, exporter {}, sampler {}", service.isEmpty() ? defaultServiceName : service,
        exporter.isEmpty() ? "otlp" : exporter, sampler.isEmpty() ? "parentbased_always_on" : sampler
        + (setting("OTEL_TRACES_SAMPLER_ARG", env, props).isEmpty() ? "" : " " + setting("OTEL_TRACES_SAMPLER_ARG", env, props)));
    return true;
  }

  /** Replaces the process's OpenTelemetry (tests install an SDK with an in-memory exporter). */
  public static void install(OpenTelemetry openTelemetry) {
    current = openTelemetry;
    tracer = openTelemetry.getTracer(SCOPE);
  }

  /** Back to the no-op (tests). */
  public static void reset() {
    install(OpenTelemetry.noop());
  }

  public static OpenTelemetry openTelemetry() {
    return current;
  }

  public static Tracer tracer() {
    return tracer;
  }
}
