package dev.baton.runtime.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TelemetryTest {
  @AfterEach
  void reset() {
    Telemetry.reset();
  }

  @ParameterizedTest(name = "{0}={1}, {2}={3} -> {4}")
  @CsvSource({
      "NONE, '', NONE, '', false",
      "OTEL_SERVICE_NAME, baton-master, NONE, '', false",
      "OTEL_TRACES_EXPORTER, otlp, NONE, '', true",
      "OTEL_TRACES_EXPORTER, console, NONE, '', true",
      "OTEL_TRACES_EXPORTER, none, OTEL_EXPORTER_OTLP_ENDPOINT, http://c:4317, false",
      "OTEL_EXPORTER_OTLP_ENDPOINT, http://c:4317, NONE, '', true",
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, http://c:4318/v1/traces, NONE, '', true",
      "OTEL_EXPORTER_OTLP_ENDPOINT, '  ', NONE, '', false",
      "OTEL_EXPORTER_OTLP_ENDPOINT, http://c:4317, OTEL_SDK_DISABLED, true, false",
      "OTEL_EXPORTER_OTLP_ENDPOINT, http://c:4317, OTEL_SDK_DISABLED, false, true",
  })
  void tracingIsOnOnlyWhenAnExporterOrEndpointIsNamedAndTheSdkIsNotDisabled(String k1, String v1, String k2, String v2,
      boolean on) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put(k1, v1);
    env.put(k2, v2);
    assertThat(Telemetry.requested(env, new Properties())).isEqualTo(on);
  }

  @Test
  void aSystemPropertyWinsOverTheVariableAsInTheSdk() {
    Properties props = new Properties();
    props.setProperty("otel.traces.exporter", "none");
    assertThat(Telemetry.requested(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317"), props)).isFalse();
    props.setProperty("otel.traces.exporter", "otlp");
    assertThat(Telemetry.requested(Map.of("OTEL_TRACES_EXPORTER", "none"), props)).isTrue();
  }

  @Test
  void offByDefaultInstallsNothingAndSpansAreNoOps() {
    assertThat(Telemetry.init(Map.of(), new Properties(), "baton-master")).isFalse();
    Span span = Telemetry.tracer().spanBuilder("plan p").startSpan();
    assertThat(span.getSpanContext().isValid()).isFalse();
    assertThat(TraceContext.toMap(io.opentelemetry.context.Context.root().with(span))).isEmpty();
  }

  @Test
  void aConfigurationTheSdkRefusesIsOneLineNamingTheFix() {
    assertThatThrownBy(() -> Telemetry.init(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317",
        "OTEL_TRACES_SAMPLER", "sometimes"), new Properties(), "baton-master"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OTEL_* configuration refused")
        .hasMessageContaining("sometimes")
        .hasMessageContaining("to turn tracing off");
    assertThat(Telemetry.tracer().spanBuilder("x").startSpan().getSpanContext().isValid()).isFalse();
  }
}
