package dev.baton.master.engine;

import dev.baton.master.registry.Instance;
import dev.baton.runtime.telemetry.SpanNames;
import dev.baton.runtime.telemetry.Telemetry;
import dev.baton.runtime.telemetry.TraceContext;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.util.Map;

/**
 * One plan's spans on this master, driven by the plan's own events (so spans say what the journal
 * says): {@code plan <id>} from SubmitPlan (or a take-over) to PlanFinished, and
 * {@code task <id> attempt <n>} from TaskDelegated to the attempt's end, child of the plan span.
 * Retries, recoveries, rollbacks and sync-point releases are events on the plan span. Every parent is
 * explicit: nothing here reads or leaves a thread's current context. Confined to the scheduler's
 * thread, like the {@link PlanRun} that owns it. With tracing off every span is a no-op.
 */
final class PlanSpans {
  private final String planId;
  private Span plan;
  /** The plan span ended (PlanFinished or detach): nothing more is recorded. */
  private boolean ended;
  private final Map<String, Span> attempts = new HashMap<>();

  PlanSpans(String planId) {
    this.planId = planId;
  }

  /** Starts the plan span under the submitter's trace, if it sent one. */
  void startPlan(Context submitter) {
    plan = Telemetry.tracer().spanBuilder(SpanNames.plan(planId))
        .setParent(submitter)
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(SpanNames.PLAN_ID, planId)
        .startSpan();
  }

  /** The plan span's W3C fields, journaled in PlanAccepted for a master that takes the plan over. */
  Map<String, String> acceptedContext() {
    return TraceContext.toMap(Context.root().with(plan()));
  }

  /** The plan span current with its ids in the log lines, on this thread until closed. */
  io.opentelemetry.context.Scope logScope() {
    return dev.baton.runtime.telemetry.LogCorrelation.withSpan(plan());
  }

  /** A take-over: a new plan span, child of the previous master's (same trace), marked resumed. */
  void resumePlan(Map<String, String> accepted) {
    plan = Telemetry.tracer().spanBuilder(SpanNames.plan(planId))
        .setParent(TraceContext.fromMap(accepted))
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(SpanNames.PLAN_ID, planId)
        .setAttribute(SpanNames.RESUMED, true)
        .startSpan();
  }

  /** The attempt's span as a parent (the plan's when the attempt was delegated by another master). */
  Context attemptContext(String taskId) {
    Span s = attempts.get(taskId);
    return Context.root().with(s != null ? s : plan());
  }

  /** {@code delegate <task>}: CLIENT span around the attempt's Delegate and watch; ended by its listener. */
  Span startDelegate(Context attempt, String taskId, int number, Instance instance, boolean reattach) {
    Span s = Telemetry.tracer().spanBuilder(SpanNames.delegate(taskId))
        .setParent(attempt)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(SpanNames.PLAN_ID, planId)
        .setAttribute(SpanNames.TASK_ID, taskId)
        .setAttribute(SpanNames.ATTEMPT, (long) number)
        .setAttribute(SpanNames.INSTANCE_ID, instance.id())
        .setAttribute(SpanNames.DOMAIN, instance.domain())
        .startSpan();
    if (reattach) {
      s.addEvent("reattach");
    }
    return s;
  }

  /** Updates the spans with an event just appended to the plan's journal. */
  void on(PlanEvent e, java.util.function.Function<String, String> domainOf) {
    if (ended) {
      return;
    }
    switch (e.getKindCase()) {
      case TASK_DELEGATED -> {
        var d = e.getTaskDelegated();
        end(d.getTaskId(), null);
        attempts.put(d.getTaskId(), Telemetry.tracer().spanBuilder(SpanNames.attempt(d.getTaskId(), d.getAttempt()))
            .setParent(Context.root().with(plan()))
            .setAttribute(SpanNames.PLAN_ID, planId)
            .setAttribute(SpanNames.TASK_ID, d.getTaskId())
            .setAttribute(SpanNames.DOMAIN, domainOf.apply(d.getTaskId()))
            .setAttribute(SpanNames.INSTANCE_ID, d.getInstanceId())
            .setAttribute(SpanNames.ATTEMPT, (long) d.getAttempt())
            .startSpan());
        if (!d.getReason().isEmpty()) {
          attempts.get(d.getTaskId()).addEvent("failover", Attributes.of(SpanNames.STATE, d.getReason()));
        }
      }
      case TASK_STARTED -> {
        Span s = attempts.get(e.getTaskStarted().getTaskId());
        if (s != null) {
          s.addEvent("started");
        }
      }
      case TASK_SUCCEEDED -> end(e.getTaskSucceeded().getTaskId(), null);
      case TASK_FAILED -> end(e.getTaskFailed().getTaskId(), e.getTaskFailed().getError().isEmpty()
          ? "failed" : e.getTaskFailed().getError());
      case TASK_CANCELLED -> end(e.getTaskCancelled().getTaskId(), "cancelled: " + e.getTaskCancelled().getReason());
      case TASK_SKIPPED -> end(e.getTaskSkipped().getTaskId(), null);
      case TASK_RETRIED -> plan().addEvent("retry " + e.getTaskRetried().getTaskId(),
          Attributes.of(SpanNames.TASK_ID, e.getTaskRetried().getTaskId(),
              SpanNames.ATTEMPT, (long) e.getTaskRetried().getAttempt()));
      case RECOVERY_PERFORMED -> plan().addEvent("recovery");
      case CHECKPOINT_ROLLED_BACK -> plan().addEvent("rollback " + e.getCheckpointRolledBack().getCheckpointId());
      case SYNC_POINT_RELEASED -> plan().addEvent("sync point released " + e.getSyncPointReleased().getName());
      case PLAN_FINISHED -> finish(e.getPlanFinished().getState(), e.getPlanFinished().getReason());
      default -> { }
    }
  }

  /** This master stops running the plan (stand-down): the spans end without a verdict. */
  void detach() {
    if (ended) {
      return;
    }
    ended = true;
    attempts.values().forEach(s -> {
      s.addEvent("detached");
      s.end();
    });
    attempts.clear();
    if (plan != null) {
      plan.addEvent("detached");
      plan.end();
    }
  }

  private void finish(PlanState state, String reason) {
    ended = true;
    for (Span s : attempts.values()) {
      s.end();
    }
    attempts.clear();
    Span p = plan();
    p.setAttribute(SpanNames.STATE, state.name());
    if (state != PlanState.PLAN_STATE_SUCCEEDED) {
      p.setStatus(StatusCode.ERROR, reason.isEmpty() ? state.name() : oneLine(reason));
    }
    p.end();
  }

  private void end(String taskId, String error) {
    Span s = attempts.remove(taskId);
    if (s == null) {
      return;
    }
    if (error != null) {
      s.setStatus(StatusCode.ERROR, oneLine(error));
    }
    s.end();
  }

  private Span plan() {
    if (plan == null) {
      resumePlan(Map.of()); // resumed from a journal written before traces were recorded
    }
    return plan;
  }

  static String oneLine(String s) {
    String line = s.replace('\n', ' ').trim();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
