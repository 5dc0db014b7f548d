package dev.baton.master.engine;

import dev.baton.master.delegation.Delegator;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.registry.Instance;
import dev.baton.v1.DelegationPackage;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

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
  Map<String, Double> scores = Map.of();
  String executionId;
  Delegator.Handle handle;
  String checkpointId;
  /** What was sent, kept to re-attach to the same attempt after its watch was lost. */
  DelegationPackage pkg;
  Duration budget;
  /** When the task began waiting for an instance of its domain to exist, or null. */
  Instant waitingSince;
  boolean backingOff;
  boolean started;
  double lastProgress;
  /** Where recovery sent the task when not its own domain (redistribute), else null. */
  String domain;
  /** The backup recovery chose for the next dispatch, if it has a free slot then. */
  String preferred;
  /** Why the next dispatch goes where it goes (for TaskDelegated.reason), or null. */
  String via;
  /** Times recovery moved the task off a failed instance; these do not spend the retry budget. */
  int transfers;
  /** The watch broke: the instance is being probed; the task may still run there. */
  boolean lost;
  /** Recovery (restart) waits for the instance to come back before doing anything else. */
  boolean awaitingRestart;
  /** Delegate is being repeated for the same attempt to watch it again: no second TaskDelegated. */
  boolean reattaching;
  /** Dispatch priority (remaining work, see {@link TaskIndex#rank}) and admission order: fixed once queued. */
  double rank;
  long order;
  /** Delegate was sent and the instance has not answered it yet (counts in {@link Engine#DELEGATE_WINDOW}). */
  boolean unanswered;
  /** The domain whose dispatch queue holds the attempt, or null when it is in none. */
  String queuedIn;
  /** The droid finished; its branch is being merged into the integration branch. */
  boolean merging;
  /** Droid events of this attempt appended to the journal (bounded by Dispatcher.MAX_RECORDED_EVENTS). */
  int eventsRecorded;
  /** The attempt's slot on its instance was given back (idempotent release). */
  boolean released;

  Attempt(PlanModel.Task task) {
    this.task = task;
  }

  boolean dispatched() {
    return instance != null;
  }

  String domain() {
    return domain != null ? domain : task.domain();
  }

  /** Forgets the attempt's instance and execution before the next one; recovery's routing stays. */
  void reset() {
    instance = null;
    score = 0;
    scores = Map.of();
    executionId = null;
    handle = null;
    checkpointId = null;
    pkg = null;
    budget = null;
    waitingSince = null;
    started = false;
    lastProgress = 0;
    eventsRecorded = 0;
    lost = false;
    awaitingRestart = false;
    reattaching = false;
  }
}
