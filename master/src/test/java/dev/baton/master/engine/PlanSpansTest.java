package dev.baton.master.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.runtime.telemetry.Telemetry;
import dev.baton.runtime.telemetry.TraceContext;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.TaskDelegated;
import dev.baton.v1.TaskFailed;
import dev.baton.v1.TaskRetried;
import dev.baton.v1.TaskSucceeded;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The master's plan, attempt and delegation spans, driven by plan events, in the SDK's in-memory exporter. */
class PlanSpansTest {
  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
      .build();

  PlanSpansTest() {
    Telemetry.install(sdk);
  }

  @AfterEach
  void stop() {
    Telemetry.reset();
    sdk.close();
  }

  private static PlanEvent event(PlanEvent.Builder b) {
    return b.setPlanId("shop-1").build();
  }

  @Test
  void attemptsAreChildrenOfThePlanAndDelegationsOfTheirAttemptAndAFailureIsAnError() {
    Span submitter = sdk.getTracer("cli").spanBuilder("submit").startSpan();
    PlanSpans spans = new PlanSpans("shop-1");
    spans.startPlan(Context.root().with(submitter));
    assertThat(spans.acceptedContext()).containsKey("traceparent");

    spans.on(event(PlanEvent.newBuilder().setTaskDelegated(
        TaskDelegated.newBuilder().setTaskId("cart-api").setAttempt(1).setInstanceId("backend-1"))), id -> "backend");
    Span delegate = spans.startDelegate(spans.attemptContext("cart-api"), "cart-api", 1,
        Dispatcher.absent("backend-1", "backend"), false);
    delegate.end();
    spans.on(event(PlanEvent.newBuilder().setTaskFailed(
        TaskFailed.newBuilder().setTaskId("cart-api").setAttempt(1).setError("tests failed\nat line 3").setWillRetry(true))),
        id -> "backend");
    spans.on(event(PlanEvent.newBuilder().setTaskRetried(TaskRetried.newBuilder().setTaskId("cart-api").setAttempt(2))),
        id -> "backend");
    spans.on(event(PlanEvent.newBuilder().setTaskDelegated(
        TaskDelegated.newBuilder().setTaskId("cart-api").setAttempt(2).setInstanceId("backend-2"))), id -> "backend");
    spans.on(event(PlanEvent.newBuilder().setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId("cart-api").setAttempt(2))),
        id -> "backend");
    spans.on(event(PlanEvent.newBuilder().setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_SUCCEEDED))),
        id -> "backend");
    spans.detach(); // after PlanFinished: nothing ends twice
    submitter.end();

    SpanData plan = named("plan shop-1");
    SpanData first = named("task cart-api attempt 1");
    SpanData second = named("task cart-api attempt 2");
    SpanData delegation = named("delegate cart-api");
    assertThat(exported.getFinishedSpanItems()).hasSize(5);
    assertThat(plan.getParentSpanId()).isEqualTo(submitter.getSpanContext().getSpanId());
    assertThat(List.of(first, second, delegation)).extracting(SpanData::getTraceId).containsOnly(plan.getTraceId());
    assertThat(first.getParentSpanId()).isEqualTo(plan.getSpanId());
    assertThat(second.getParentSpanId()).isEqualTo(plan.getSpanId());
    assertThat(delegation.getParentSpanId()).isEqualTo(first.getSpanId());
    assertThat(delegation.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(first.getStatus().getDescription()).isEqualTo("tests failed at line 3");
    assertThat(second.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(second.getAttributes().get(AttributeKey.stringKey("baton.instance.id"))).isEqualTo("backend-2");
    assertThat(second.getAttributes().get(AttributeKey.stringKey("baton.domain"))).isEqualTo("backend");
    assertThat(second.getAttributes().get(AttributeKey.longKey("baton.attempt"))).isEqualTo(2L);
    assertThat(plan.getEvents()).extracting(EventData::getName).containsExactly("retry cart-api");
    assertThat(plan.getAttributes().get(AttributeKey.stringKey("baton.state"))).isEqualTo("PLAN_STATE_SUCCEEDED");
  }

  @Test
  void aFailedPlanIsAnErrorAndItsOpenAttemptsEnd() {
    PlanSpans spans = new PlanSpans("shop-1");
    spans.startPlan(Context.root());
    spans.on(event(PlanEvent.newBuilder().setTaskDelegated(
        TaskDelegated.newBuilder().setTaskId("cart-ui").setAttempt(1).setInstanceId("frontend-1"))), id -> "frontend");
    spans.on(event(PlanEvent.newBuilder().setPlanFinished(PlanFinished.newBuilder()
        .setState(PlanState.PLAN_STATE_CANCELLED).setReason("cancelled by alice"))), id -> "frontend");

    assertThat(named("plan shop-1").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(named("plan shop-1").getStatus().getDescription()).isEqualTo("cancelled by alice");
    assertThat(named("task cart-ui attempt 1").hasEnded()).isTrue();
  }

  @Test
  void aTakeOverContinuesThePlansTraceUnderANewSpan() {
    PlanSpans before = new PlanSpans("shop-1");
    before.startPlan(Context.root());
    Map<String, String> journaled = before.acceptedContext();

    PlanSpans after = new PlanSpans("shop-1");
    after.resumePlan(journaled);
    after.on(event(PlanEvent.newBuilder().setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_SUCCEEDED))),
        id -> "");

    SpanData resumed = named("plan shop-1");
    var original = Span.fromContext(TraceContext.fromMap(journaled)).getSpanContext();
    assertThat(resumed.getTraceId()).isEqualTo(original.getTraceId());
    assertThat(resumed.getParentSpanId()).isEqualTo(original.getSpanId());
    assertThat(resumed.getAttributes().get(AttributeKey.booleanKey("baton.resumed"))).isTrue();
  }

  private SpanData named(String name) {
    return exported.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + exported.getFinishedSpanItems()));
  }
}
