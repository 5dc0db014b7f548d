package dev.baton.master.engine;

import dev.baton.master.delegation.Delegator;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.registry.Instance;
import dev.baton.v1.DelegationPackage;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A task admitted by the strategy and not finished, as an explicit state machine: its
 * {@link Phase} (queued for an instance, out on one, backing off, merging, or orphaned by a
 * take-over) changes only through the guarded transitions below, and while out its {@link Watch}
 * says whether this master still hears from it. The remaining fields are data (what was sent,
 * where, why) and the engine's slot bookkeeping ({@link #unanswered}, {@link #released}).
 * Scheduler bookkeeping only; the plan's state lives in the events. Confined to the scheduler's
 * thread.
 */
final class Attempt {
  /** Where the attempt stands. */
  enum Phase {
    /** In its domain's dispatch queue, waiting for an instance with room. */
    QUEUED,
    /** Journaled as TaskDelegated and sent (or about to be) to {@link #instance}. */
    OUT,
    /** Its droid succeeded; its branch is being merged (or its merge conflict remediated). */
    MERGING,
    /** A failed attempt waiting for its retry backoff. */
    BACKING_OFF,
    /** Out on an instance per the journal of a master this one took over from; not registered here yet. */
    ORPHANED
  }

  /** Whether this master hears from an attempt that is out. */
  enum Watch {
    WATCHED,
    /** The watch broke: the instance is being probed; the task may still run there. */
    LOST,
    /** Delegate is being repeated for the same attempt to watch it again: no second TaskDelegated. */
    REATTACHING
  }

  private static final Map<Phase, Set<Phase>> NEXT = Map.of(
      Phase.QUEUED, EnumSet.of(Phase.OUT),
      Phase.OUT, EnumSet.of(Phase.MERGING, Phase.BACKING_OFF, Phase.QUEUED),
      Phase.MERGING, EnumSet.of(Phase.MERGING, Phase.BACKING_OFF),
      Phase.BACKING_OFF, EnumSet.of(Phase.QUEUED),
      Phase.ORPHANED, EnumSet.of(Phase.OUT, Phase.BACKING_OFF, Phase.QUEUED));

  final PlanModel.Task task;
  private Phase phase = Phase.QUEUED;
  private Watch watch = Watch.WATCHED;
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
  /** TaskStarted is journaled for this attempt. */
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
  /** Recovery (restart) holds the attempt until its instance comes back before doing anything else. */
  boolean awaitingRestart;
  /** Dispatch priority (remaining work, see {@link TaskIndex#rank}) and admission order: fixed once queued. */
  double rank;
  long order;
  /** Delegate was sent and the instance has not answered it yet (counts in {@link Engine#DELEGATE_WINDOW}). */
  boolean unanswered;
  /** The domain whose dispatch queue holds the attempt, or null when it is in none. */
  String queuedIn;
  /** Droid events of this attempt appended to the journal (bounded by Dispatcher.MAX_RECORDED_EVENTS). */
  int eventsRecorded;
  /** The attempt's slot on its instance was given back (idempotent release). */
  boolean released;

  Attempt(PlanModel.Task task) {
    this.task = task;
  }

  /** A task taken over in RETRY_WAIT: attempt {@code number} failed and its backoff runs. */
  static Attempt backingOff(PlanModel.Task task, int number) {
    Attempt a = new Attempt(task);
    a.number = number;
    a.phase = Phase.BACKING_OFF;
    return a;
  }

  /** A task taken over while out on {@code instance} (known here by id only). */
  static Attempt orphaned(PlanModel.Task task, int number, Instance instance, String executionId, boolean started) {
    Attempt a = new Attempt(task);
    a.number = number;
    a.instance = instance;
    a.executionId = executionId;
    a.started = started;
    a.released = true; // no slot is held here until it is re-attached
    a.phase = Phase.ORPHANED;
    return a;
  }

  Phase phase() {
    return phase;
  }

  Watch watch() {
    return watch;
  }

  private void move(Phase to) {
    if (!NEXT.get(phase).contains(to)) {
      throw new IllegalStateException("attempt " + task.id() + "#" + number + ": " + phase + " -> " + to);
    }
    phase = to;
  }

  /** QUEUED -> OUT: sent to {@code to} as attempt {@code n}. */
  void sendTo(Instance to, int n) {
    move(Phase.OUT);
    instance = to;
    number = n;
    watch = Watch.WATCHED;
  }

  /** ORPHANED -> OUT: its instance registered here; the same attempt is re-attached there. */
  void adopt(Instance registered) {
    move(Phase.OUT);
    instance = registered;
    watch = Watch.REATTACHING;
  }

  /** OUT -> MERGING (or stays MERGING while its conflict is remediated). */
  void merging() {
    move(Phase.MERGING);
  }

  /** -> BACKING_OFF: the attempt failed and will be retried; its instance and execution are forgotten. */
  void backOff() {
    move(Phase.BACKING_OFF);
    reset();
  }

  /** -> QUEUED: its backoff ended, or recovery moved it off its instance (recovery's routing stays). */
  void requeue() {
    move(Phase.QUEUED);
    reset();
  }

  /** True while it is out on an instance this master talks to (OUT or MERGING). */
  boolean dispatched() {
    return phase == Phase.OUT || phase == Phase.MERGING;
  }

  /** OUT: the watch broke. */
  void watchLost() {
    if (phase == Phase.OUT) {
      watch = Watch.LOST;
    }
  }

  /** OUT: Delegate is repeated to watch the same attempt again. */
  void reattaching() {
    watch = Watch.REATTACHING;
  }

  /** The instance answered its Delegate: it is watched. */
  void answeredDelegate() {
    watch = Watch.WATCHED;
  }

  String domain() {
    return domain != null ? domain : task.domain();
  }

  /** Forgets the attempt's instance and execution before the next one; recovery's routing stays. */
  private void reset() {
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
    watch = Watch.WATCHED;
    awaitingRestart = false;
  }
}
