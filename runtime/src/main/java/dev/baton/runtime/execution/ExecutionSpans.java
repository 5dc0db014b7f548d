package dev.baton.runtime.execution;

import dev.baton.runtime.droid.Usages;
import dev.baton.runtime.telemetry.LogCorrelation;
import dev.baton.runtime.telemetry.SpanNames;
import dev.baton.runtime.telemetry.Telemetry;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.Usage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * The sub-orchestrator's spans: {@code execute <task>} (SERVER, child of the master's delegation
 * span) from acceptance to the terminal state, and {@code droid <runner> <task>} around the droid's
 * run. Called under the manager's lock; spans are thread-safe and ended once, in {@link #end}.
 */
final class ExecutionSpans {
  private ExecutionSpans() {}

  static Span startExecute(Context parent, DelegationPackage d, String instanceId, String domain, String executionId) {
    var b = Telemetry.tracer().spanBuilder(SpanNames.execute(d.getTaskId()))
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(SpanNames.PLAN_ID, d.getPlanId())
        .setAttribute(SpanNames.TASK_ID, d.getTaskId())
        .setAttribute(SpanNames.INSTANCE_ID, instanceId)
        .setAttribute(SpanNames.ATTEMPT, (long) d.getAttempt())
        .setAttribute(SpanNames.EXECUTION_ID, executionId);
    if (!domain.isEmpty()) {
      b.setAttribute(SpanNames.DOMAIN, domain);
    }
    return b.startSpan();
  }

  static Span startDroid(Span execute, String runner, String taskId, String droid) {
    return Telemetry.tracer().spanBuilder(SpanNames.droid(runner, taskId))
        .setParent(Context.root().with(execute))
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(SpanNames.TASK_ID, taskId)
        .setAttribute(SpanNames.RUNNER, runner)
        .setAttribute(SpanNames.DROID, droid)
        .startSpan();
  }

  /** Makes {@code span} current on this thread, its ids in the log lines, until the scope closes. */
  static Scope current(Span span) {
    return LogCorrelation.withSpan(span);
  }

  /**
   * Ends the droid span (if it started) and the execution span with the outcome; {@code message} is
   * the execution's (already redacted) message, the status description of a failure.
   */
  static void end(Span droid, Span execute, ExecutionState state, DelegationResult result, Usage usage, String message) {
    boolean failed = state == ExecutionState.EXECUTION_STATE_FAILED;
    if (failed) {
      message = oneLine(message.isEmpty() ? result.getStatus().name() : message);
    }
    if (droid.getSpanContext().isValid()) {
      droid.setAttribute(SpanNames.EXIT_CODE, (long) result.getMetrics().getExitCode());
      droid.setAttribute(SpanNames.TOKENS, Usages.tokens(usage));
      droid.setAttribute(SpanNames.COST_USD, usage.getCostUsd());
      if (failed) {
        droid.setStatus(StatusCode.ERROR, message);
      }
      droid.end();
    }
    execute.setAttribute(SpanNames.STATE, state.name());
    if (failed) {
      execute.setStatus(StatusCode.ERROR, message);
    }
    execute.end();
  }

  private static String oneLine(String s) {
    String line = s.replace('\n', ' ').trim();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
