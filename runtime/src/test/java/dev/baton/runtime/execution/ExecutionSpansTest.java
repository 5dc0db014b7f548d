package dev.baton.runtime.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.telemetry.Telemetry;
import dev.baton.v1.DelegationPackage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sub-orchestrator's execute and droid spans, in the SDK's in-memory exporter. */
class ExecutionSpansTest {
  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
      .build();
  private final ManualDroids droids = new ManualDroids();
  private final ExecutorService callbacks = Executors.newSingleThreadExecutor();
  private final ExecutionManager manager;

  ExecutionSpansTest() {
    Telemetry.install(sdk);
    manager = new ExecutionManager(ExecutionManager.Settings.of("backend-orchestrator-test", 1), Clock.systemUTC(),
        new DroidSelector(Map.of("generalist", List.of())),
        Map.of(ExecutionManager.SIM, droids, ExecutionManager.COMMAND, droids), callbacks);
  }

  @AfterEach
  void stop() {
    manager.close();
    callbacks.shutdownNow();
    Telemetry.reset();
    sdk.close();
  }

  private static DelegationPackage task(String id) {
    return DelegationPackage.newBuilder().setPlanId("shop").setTaskId(id).setAttempt(2).setTaskDescription(id).build();
  }

  @Test
  void anExecutionIsAServerSpanUnderTheDelegationWithItsDroidRunInside() {
    Span delegation = sdk.getTracer("master").spanBuilder("delegate cart-api").startSpan();
    manager.delegate(task("cart-api"), Context.root().with(delegation), "backend");
    droids.run("cart-api").succeed();

    await().untilAsserted(() -> assertThat(exported.getFinishedSpanItems()).hasSize(2));
    SpanData droid = named("droid sim cart-api");
    SpanData execute = named("execute cart-api");
    assertThat(execute.getParentSpanId()).isEqualTo(delegation.getSpanContext().getSpanId());
    assertThat(execute.getTraceId()).isEqualTo(delegation.getSpanContext().getTraceId());
    assertThat(execute.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(execute.getAttributes().get(AttributeKey.stringKey("baton.plan.id"))).isEqualTo("shop");
    assertThat(execute.getAttributes().get(AttributeKey.stringKey("baton.domain"))).isEqualTo("backend");
    assertThat(execute.getAttributes().get(AttributeKey.stringKey("baton.instance.id"))).isEqualTo("backend-orchestrator-test");
    assertThat(execute.getAttributes().get(AttributeKey.longKey("baton.attempt"))).isEqualTo(2L);
    assertThat(droid.getParentSpanId()).isEqualTo(execute.getSpanId());
    assertThat(droid.getAttributes().get(AttributeKey.stringKey("baton.droid.runner"))).isEqualTo("sim");
    assertThat(droid.getAttributes().get(AttributeKey.longKey("baton.droid.exit_code"))).isZero();
    assertThat(execute.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    delegation.end();
  }

  @Test
  void aFailedDroidMarksBothSpansErrorWithTheReason() {
    manager.delegate(task("cart-db"), Context.root(), "backend");
    droids.run("cart-db").fail("migration exploded");

    await().untilAsserted(() -> assertThat(exported.getFinishedSpanItems()).hasSize(2));
    assertThat(named("execute cart-db").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(named("droid sim cart-db").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(named("execute cart-db").getStatus().getDescription()).isEqualTo("migration exploded");
    assertThat(named("execute cart-db").getParentSpanId()).isEqualTo(io.opentelemetry.api.trace.SpanId.getInvalid());
  }

  @Test
  void aQueuedExecutionCancelledBeforeItRanHasNoDroidSpan() {
    manager.delegate(task("first"), Context.root(), "backend");
    var queued = manager.delegate(task("second"), Context.root(), "backend");
    manager.cancel(queued.executionId(), "no longer needed");

    await().untilAsserted(() -> assertThat(exported.getFinishedSpanItems()).extracting(SpanData::getName)
        .containsExactly("execute second"));
    droids.run("first").succeed();
  }

  private SpanData named(String name) {
    return exported.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }
}
