package dev.baton.master.engine;

import dev.baton.master.delegation.Delegator;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.registry.Instance;
import java.time.Instant;

/**
 * A task admitted by the strategy and not finished: waiting for an instance, delegated, running,
 * or backing off before its next attempt. Scheduler bookkeeping only; the plan's state lives in
 * the events. Confined to the scheduler's thread.
 */
final class Attempt {
  final PlanModel.Task task;
  /** 0 until first dispatched; then the attempt in flight (or the one that just failed). */
  int number;
  Instance instance;
  double score;
  String executionId;
  Delegator.Handle handle;
  String checkpointId;
  /** When the task began waiting for an instance of its domain to exist, or null. */
  Instant waitingSince;
  boolean backingOff;
  boolean started;
  double lastProgress;

  Attempt(PlanModel.Task task) {
    this.task = task;
  }

  boolean dispatched() {
    return instance != null;
  }

  /** Forgets the failed attempt's instance and execution before the next one. */
  void reset() {
    instance = null;
    score = 0;
    executionId = null;
    handle = null;
    checkpointId = null;
    waitingSince = null;
    started = false;
    lastProgress = 0;
  }
}
