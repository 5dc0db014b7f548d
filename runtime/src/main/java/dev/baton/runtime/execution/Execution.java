package dev.baton.runtime.execution;

import dev.baton.runtime.droid.RunOptions;
import dev.baton.runtime.droid.RunningDroid;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.Priority;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** One accepted delegation and its life. Mutable; every field is guarded by the manager's lock. */
final class Execution {
  /** Higher priority first, then arrival order. */
  static final Comparator<Execution> QUEUE_ORDER =
      Comparator.comparingInt((Execution e) -> -rank(e.delegation.getPriority()))
          .thenComparingLong(e -> e.seq);

  final String id;
  final DelegationPackage delegation;
  final String droid;
  final long seq;
  final Instant acceptedAt;
  final List<ExecutionWatcher> watchers = new ArrayList<>();

  ExecutionState state = ExecutionState.EXECUTION_STATE_QUEUED;
  double progress;
  String message = "";
  int queuePosition;
  Instant startedAt;
  Instant finishedAt;
  RunningDroid run;
  DelegationResult result;
  ExecutionUpdate lastUpdate;
  /** The runner carrying it out (claude, sim...), resolved when it starts. */
  String runner = "";
  /** How its processes run, as the droid policy decided at Delegate. */
  RunOptions options;
  final DroidEventLog events = new DroidEventLog();
  /** {@code execute <task>}: from acceptance to the terminal state (a no-op span when tracing is off). */
  io.opentelemetry.api.trace.Span span = io.opentelemetry.api.trace.Span.getInvalid();
  /** {@code droid <runner> <task>}: around the droid's run, child of {@link #span}; invalid until it starts. */
  io.opentelemetry.api.trace.Span droidSpan = io.opentelemetry.api.trace.Span.getInvalid();

  Execution(String id, DelegationPackage delegation, String droid, long seq, Instant acceptedAt) {
    this.id = id;
    this.delegation = delegation;
    this.droid = droid;
    this.seq = seq;
    this.acceptedAt = acceptedAt;
  }

  boolean terminal() {
    return switch (state) {
      case EXECUTION_STATE_SUCCEEDED, EXECUTION_STATE_FAILED, EXECUTION_STATE_CANCELLED -> true;
      default -> false;
    };
  }

  static int rank(Priority priority) {
    return switch (priority) {
      case PRIORITY_LOW -> 1;
      case PRIORITY_HIGH -> 3;
      case PRIORITY_CRITICAL -> 4;
      default -> 2;
    };
  }
}
