package dev.baton.master.engine;

import dev.baton.master.delegation.Delegator;
import dev.baton.master.events.PlanReducer;
import dev.baton.master.plan.PlanModel;
import dev.baton.v1.CheckpointCommitted;
import dev.baton.v1.CheckpointRolledBack;
import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.PlanAccepted;
import dev.baton.v1.PlanAnalysis;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskAdded;
import dev.baton.v1.TaskCancelled;
import dev.baton.v1.TaskFailed;
import dev.baton.v1.TaskReady;
import dev.baton.v1.TaskRetried;
import dev.baton.v1.TaskSkipped;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.TaskSucceeded;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One plan being run. Every decision is taken on the engine's thread from the plan's status (as
 * its events made it) plus scheduler bookkeeping ({@link Attempt}s); every change is an appended
 * event. gRPC callbacks arrive through {@link Engine#post}.
 */
final class PlanRun {
  final String planId;
  final PlanModel.Plan plan;
  final double timeScale;
  private final Engine engine;
  final ExecutionStrategy strategy;
  private final SyncGates sync;
  final Dispatcher dispatcher;
  final PlanRecovery recovery;
  final Map<String, Attempt> inFlight = new InFlight();
  final Map<String, Integer> levelOf = new HashMap<>();
  /** Attempt numbers, failed-on instances, levels started. */
  final TaskHistory history = new TaskHistory();
  private String failure;
  private boolean finished;
  private boolean stepping;
  private boolean stepAgain;
  /** The plan's shape: positions, who waits for whom, dispatch priorities. */
  private final TaskIndex index;
  /**
   * Scheduler indexes kept from the events this run appends (every event of the plan goes through
   * {@link #append}), so a step need not scan every task: plan positions of PENDING tasks, of
   * READY tasks not yet admitted (not in flight), of PENDING tasks worth examining (something they
   * wait for changed since they were last found waiting), and the ids of the status's tasks that
   * are not terminal. Null until first needed, then rebuilt from the status whenever an event may
   * change many tasks at once (rollback, TaskAdded).
   */
  private BitSet pendingTasks;
  private BitSet admittable;
  private BitSet candidates;
  /** Cleared and kept between promote rounds, so a round allocates nothing. */
  private BitSet spare;
  private Set<String> unfinishedTasks;
  /**
   * Admitted attempts not yet dispatched nor backing off, per domain, highest priority first: a
   * step dispatches from the head of each queue and stops at a domain whose instances are all
   * full, so it costs what it dispatches, not what waits.
   */
  private final Map<String, TreeSet<Attempt>> queues = new HashMap<>();
  private long admitted;
  private final Map<String, TaskStatus> liveTasks = new LiveTasks();
  Instant planDeadline;
  private ScheduledFuture<?> deadlineTimer;
  /** The plan's integration branch, for plans with a repository; else null. */
  final PlanIntegration integration;
  /** Tasks added while the plan runs (remediations), for their plan positions. */
  private int added;
  /** The tasks added while the plan runs, by id. */
  private final Map<String, PlanModel.Task> addedTasks = new HashMap<>();

  /** Who submitted the plan (set once by the engine before start or resume; scheduler thread). */
  dev.baton.v1.Caller submitter = dev.baton.v1.Caller.getDefaultInstance();

  /** The plan's spans (scheduler thread). */
  final PlanSpans spans;

  PlanRun(Engine engine, String planId, PlanModel.Plan plan, double timeScale) {
    this.spans = new PlanSpans(planId);
    this.engine = engine;
    this.planId = planId;
    this.plan = plan;
    this.timeScale = timeScale;
    this.strategy = ExecutionStrategy.of(plan);
    this.dispatcher = new Dispatcher(this, engine, engine.policies.of(plan.delegationPolicy()));
    this.recovery = new PlanRecovery(this, engine);
    this.sync = new SyncGates(this, engine);
    this.index = new TaskIndex(plan);
    this.integration = plan.agents().repository()
        .map(r -> new PlanIntegration(this, engine, r, engine.git)).orElse(null);
    for (PlanModel.Level level : plan.analysis().levels()) {
      for (String id : level.taskIds()) {
        levelOf.put(id, level.level());
      }
    }
  }

  /** Appends PlanAccepted, arms the deadline and starts whatever is ready. */
  void start(PlanAnalysis analysis, String requestId) {
    PlanAccepted.Builder a = PlanAccepted.newBuilder()
        .setPlan(dev.baton.master.plan.PlanProtos.toProto(plan))
        .setRequestId(requestId)
        .setName(plan.name())
        .setDescription(plan.description() == null ? "" : plan.description())
        .setAnalysis(analysis)
        .setTimeScale(timeScale)
        .setSubmittedBy(submitter)
        .setStrategy(plan.strategy().word())
        .setDelegationPolicy(plan.delegationPolicy().word())
        .setFailureHandling(plan.failureHandling().word());
    plan.tasks().forEach(t -> a.addTasks(Events.initial(t)));
    plan.syncPoints().forEach(sp -> a.addSyncPoints(Events.initial(sp)));
    a.putAllTraceContext(spans.acceptedContext());
    append(e -> e.setPlanAccepted(a));
    armDeadline(engine.clock.instant());
    if (integration != null) {
      integration.start(false); // steps once the integration branch exists
      return;
    }
    step();
  }

  /** Arms the plan's deadline, counted from its acceptance (journaled, so a take-over keeps it). */
  private void armDeadline(Instant acceptedAt) {
    if (plan.deadline().isEmpty()) {
      return;
    }
    Duration wall = scaled(plan.deadline().get());
    planDeadline = acceptedAt.plus(wall);
    long left = Math.max(0, Duration.between(engine.clock.instant(), planDeadline).toMillis());
    deadlineTimer = engine.executor.schedule(() -> engine.guard(() -> {
      if (!finished) {
        abort(PlanState.PLAN_STATE_FAILED, "plan deadline " + plan.deadline().get()
            + " (plan time, " + wall.toMillis() + " ms at time scale " + timeScale + ") exceeded");
      }
    }), left, TimeUnit.MILLISECONDS);
  }

  /** Attempts a previous master delegated, waiting for their instances to register here. */
  private final List<Attempt> resumed = new ArrayList<>();
  /** Transfers of tasks taken over from a journal, for their next attempts' retry budgets. */
  private Map<String, Integer> resumedTransfers = Map.of();
  private Instant resumedAt;

  /**
   * Takes the plan over from its journal (a new leader, or the same master restarted): the
   * scheduler's bookkeeping comes back from the events ({@link Resumption}); tasks that succeeded
   * stay succeeded; attempts that were out are re-attached on their instances once those register
   * (Delegate is idempotent on the attempt, so no droid runs twice), or moved elsewhere without
   * spending a retry when their instance does not come back within the instance wait; backoffs,
   * the deadline and sync points resume from their journaled times.
   */
  void resume(Resumption r) {
    PlanStatus st = status();
    Map<String, TaskStatus> tasks = byId(st);
    history.restore(r);
    resumedTransfers = r.transfers;
    dispatcher.checkpointsTaken(r.checkpoints);
    List<String> known = new ArrayList<>(plan.tasks().stream().map(PlanModel.Task::id).toList());
    Map<String, String> preferred = new HashMap<>();
    for (TaskAdded ta : r.added) {
      PlanModel.Task t = dev.baton.master.plan.PlanCompiler.compileAdded(ta.getSpec(), ta.getIndex(), known,
          ta.getTask().getRouting());
      known.add(t.id());
      addedTasks.put(t.id(), t);
      if (!ta.getPreferredInstance().isEmpty()) {
        preferred.put(t.id(), ta.getPreferredInstance());
      }
      added++;
    }
    sync.resume(r, tasks);
    recovery.resume(r.degraded);
    failure = r.failure;
    armDeadline(r.acceptedAt);
    Instant now = engine.clock.instant();
    resumedAt = now;
    for (TaskStatus ts : st.getTasksList()) {
      PlanModel.Task t = taskOf(ts.getId());
      if (t == null) {
        continue;
      }
      switch (ts.getState()) {
        case TASK_STATE_READY -> {
          if (addedTasks.containsKey(t.id())) { // plan tasks are admitted by the strategy; added ones go at once
            Attempt a = new Attempt(t);
            a.preferred = preferred.get(t.id());
            inFlight.put(t.id(), a);
          }
        }
        case TASK_STATE_RETRY_WAIT -> {
          Attempt a = Attempt.backingOff(t, history.lastAttempt(t.id()));
          a.transfers = r.transfers.getOrDefault(t.id(), 0);
          inFlight.put(t.id(), a);
          Instant due = r.retryDue.getOrDefault(t.id(), now);
          scheduleRetry(a, Math.max(0, Duration.between(now, due).toMillis()));
        }
        case TASK_STATE_DELEGATED, TASK_STATE_RUNNING -> {
          Resumption.Running out = r.running.get(t.id());
          if (out == null) {
            continue;
          }
          Attempt a = Attempt.orphaned(t, out.attempt(), Dispatcher.absent(out.instanceId(), t.domain()),
              out.executionId().isEmpty() ? null : out.executionId(), out.started());
          a.transfers = r.transfers.getOrDefault(t.id(), 0);
          inFlight.put(t.id(), a);
          resumed.add(a);
        }
        default -> { }
      }
    }
    if (integration != null) {
      integration.start(r.integrationCreated);
      return;
    }
    step();
  }

  /** True when the task's attempt in flight is {@code attempt} (out, orphaned or merging). */
  boolean runs(String taskId, int attempt) {
    Attempt a = inFlight.get(taskId);
    return a != null && a.number == attempt && !finished;
  }

  /** A task of the plan or one added while it ran, or null. */
  /** A task's domain for its spans; empty for an unknown id. */
  private String domainOf(String taskId) {
    try {
      PlanModel.Task t = taskOf(taskId);
      return t == null ? "" : t.domain();
    } catch (RuntimeException e) {
      return "";
    }
  }

  PlanModel.Task taskOf(String id) {
    Integer i = index.position(id);
    return i != null ? index.task(i) : addedTasks.get(id);
  }

  /**
   * Re-attaches resumed attempts whose instance registered; moves those whose instance did not
   * come back within the instance wait (not the task's failure: no retry is spent).
   */
  private void reattachResumed() {
    if (resumed.isEmpty()) {
      return;
    }
    Instant now = engine.clock.instant();
    boolean late = !now.isBefore(resumedAt.plus(engine.settings.instanceWait()));
    for (Iterator<Attempt> it = resumed.iterator(); it.hasNext() && !finished; ) {
      Attempt a = it.next();
      if (inFlight.get(a.task.id()) != a) {
        it.remove();
        continue;
      }
      var instance = engine.registry.instance(a.instance.id()).filter(dev.baton.master.registry.Instance::healthy);
      if (instance.isPresent()) {
        it.remove();
        dispatcher.resumeOn(a, instance.get());
      } else if (late) {
        it.remove();
        a.transfers++;
        attemptFailed(a, "instance " + a.instance.id() + " did not come back within "
            + engine.settings.instanceWait().toSeconds() + " s of the take-over", DelegationResult.getDefaultInstance());
      }
    }
  }

  boolean finished() {
    return finished;
  }

  /**
   * Rolls the plan back to a checkpoint: the task states it holds come back (the reducer), and
   * with a repository the integration branch returns to the checkpoint's commit when it moved and
   * the checkpoint covers every task (sequential_checkpointed); the abandoned head stays reachable.
   */
  void rollBack(String checkpointId, String taskId, String reason) {
    append(e -> e.setCheckpointRolledBack(CheckpointRolledBack.newBuilder().setCheckpointId(checkpointId)
        .setTaskId(taskId).setReason(reason)));
    if (integration != null && plan.strategy() == PlanModel.Strategy.SEQUENTIAL_CHECKPOINTED) {
      status().getCheckpointsList().stream().filter(c -> c.getId().equals(checkpointId)).findFirst()
          .ifPresent(integration::resetTo);
    }
  }

  /**
   * Adds a task while the plan runs (a remediation), READY at once and queued for dispatch, with
   * the conflicts it resolves recorded in its TaskAdded event. The caller steps the plan.
   *
   * @param preferredInstance where to send it first when that instance has room, or null
   */
  void addTask(PlanModel.Task t, String origin, int round, List<CrossOrchestratorConflict> conflicts,
      String preferredInstance) {
    append(e -> e.setTaskAdded(TaskAdded.newBuilder().setTask(Events.initial(t))
        .setSyncPoint(origin).setRound(round).addAllConflicts(conflicts)
        .setSpec(dev.baton.master.plan.PlanProtos.task(t)).setIndex(t.index())
        .setPreferredInstance(preferredInstance == null ? "" : preferredInstance)));
    addedTasks.put(t.id(), t);
    Attempt a = new Attempt(t);
    a.preferred = preferredInstance;
    inFlight.put(t.id(), a);
    append(e -> e.setTaskReady(TaskReady.newBuilder().setTaskId(t.id())));
  }

  /** The plan position of the next task added while the plan runs. */
  int nextAddedIndex() {
    return plan.tasks().size() + added++;
  }

  PlanStatus status() {
    return engine.store.status(planId).orElseThrow();
  }

  /**
   * The status's tasks by id, as the events so far made them: a live view that looks each task up
   * in the store, so no whole-status snapshot is built per decision. Only {@code get} and
   * {@code containsKey} are cheap; iterating it builds a snapshot.
   */
  Map<String, TaskStatus> tasksById() {
    return liveTasks;
  }

  /** Detached: this master no longer runs the plan; late callbacks must not write to its journal. */
  private boolean detached;

  PlanEvent append(Consumer<PlanEvent.Builder> body) {
    if (detached) {
      return null;
    }
    PlanEvent.Builder b = PlanEvent.newBuilder().setPlanId(planId);
    body.accept(b);
    PlanEvent stored = engine.store.append(b.build());
    track(stored);
    spans.on(stored, this::domainOf);
    return stored;
  }

  /** Keeps the scheduler indexes in step with the status after {@code e}. */
  private void track(PlanEvent e) {
    if (pendingTasks == null) {
      return; // built from the status when first needed
    }
    switch (e.getKindCase()) {
      case CHECKPOINT_ROLLED_BACK, TASK_ADDED, PLAN_ACCEPTED -> {
        pendingTasks = null; // may change many tasks: rebuild from the status
        return;
      }
      default -> { }
    }
    // Null for events that change no task's state (progress, sync points, checkpoints taken, ...).
    String taskId = PlanReducer.taskWhoseStateChanges(e);
    if (taskId != null) {
      TaskStatus ts = liveTasks.get(taskId);
      if (ts != null) {
        note(taskId, ts.getState());
      }
    }
  }

  private void note(String taskId, TaskState state) {
    Integer i = index.position(taskId);
    if (i != null) {
      pendingTasks.set(i, state == TaskState.TASK_STATE_PENDING);
      admittable.set(i, state == TaskState.TASK_STATE_READY && !((InFlight) inFlight).positions.get(i));
      if (PlanReducer.isTerminal(state)) {
        for (int w : index.waiters(i)) {
          candidates.set(w); // it may be ready now, or blocked for good
        }
      }
    }
    if (PlanReducer.isTerminal(state)) {
      unfinishedTasks.remove(taskId);
    } else {
      unfinishedTasks.add(taskId);
    }
  }

  private void ensureTracked() {
    if (pendingTasks != null) {
      return;
    }
    pendingTasks = new BitSet(index.size());
    admittable = new BitSet(index.size());
    candidates = new BitSet(index.size());
    spare = new BitSet(index.size());
    unfinishedTasks = new HashSet<>();
    Set<String> seen = new HashSet<>();
    for (TaskStatus ts : status().getTasksList()) {
      if (seen.add(ts.getId())) { // the reducer (and so the live view) knows the first of a duplicated id
        note(ts.getId(), ts.getState());
      }
    }
    candidates.or(pendingTasks);
  }

  Duration scaled(Duration planTime) {
    return Duration.ofMillis(Math.max(1, Math.round(planTime.toMillis() * timeScale)));
  }

  /**
   * Brings the plan forward as far as it goes now. Re-entrant calls (a failure found while
   * dispatching) are folded into one more round instead of recursing.
   */
  void step() {
    if (stepping) {
      stepAgain = true;
      return;
    }
    stepping = true;
    try {
      do {
        stepAgain = false;
        if (finished) {
          return;
        }
        promote();
        if (finished) {
          return;
        }
        admit();
        reattachResumed();
        recovery.check();
        dispatchQueued();
        if (!finished) {
          sync.check();
        }
        maybeFinish();
      } while (stepAgain);
    } finally {
      stepping = false;
    }
  }

  /** Reaches sync points, skips tasks that can no longer run, marks the others READY: to a fixpoint. */
  private void promote() {
    boolean changed = true;
    while (changed && !finished) {
      changed = false;
      ensureTracked();
      // Sync points read their state from a snapshot; a plan without any never needs one.
      PlanStatus st = plan.syncPoints().isEmpty() ? null : status();
      changed |= sync.reachDue(st, liveTasks);
      if (changed) {
        continue;
      }
      // Gates open on more than events (a barrier's participants), so gated tasks are always examined.
      candidates.or(index.gated());
      candidates.and(pendingTasks);
      if (candidates.isEmpty()) {
        return;
      }
      BitSet round = candidates;
      candidates = spare; // what this round changes makes the next round's candidates
      // The round decides from the tasks as they were when it began (what it changes counts next round).
      Map<String, TaskStatus> before = new HashMap<>();
      Map<String, TaskStatus> tasks = new AsOfRoundStart(before);
      for (int i = round.nextSetBit(0); i >= 0; i = round.nextSetBit(i + 1)) {
        PlanModel.Task t = index.task(i);
        String blocked = blockedReason(t, tasks);
        if (blocked != null) {
          before.putIfAbsent(t.id(), liveTasks.get(t.id()));
          append(e -> e.setTaskSkipped(TaskSkipped.newBuilder().setTaskId(t.id()).setReason(blocked)));
          changed = true;
        } else if (allSucceeded(t.dependsOn(), tasks) && sync.gatesOpen(t, st)) {
          before.putIfAbsent(t.id(), liveTasks.get(t.id()));
          append(e -> e.setTaskReady(TaskReady.newBuilder().setTaskId(t.id())));
          changed = true;
        }
      }
      round.clear();
      spare = round;
    }
  }

  private String blockedReason(PlanModel.Task t, Map<String, TaskStatus> tasks) {
    for (String dep : t.dependsOn()) {
      TaskState s = tasks.get(dep).getState();
      if (PlanReducer.isTerminal(s) && s != TaskState.TASK_STATE_SUCCEEDED) {
        return "dependency '" + dep + "' " + Events.word(s);
      }
    }
    for (PlanModel.SyncPoint sp : plan.syncPoints()) {
      if (!sp.before().contains(t.id())) {
        continue;
      }
      for (String after : sp.after()) {
        TaskState s = tasks.get(after).getState();
        if (PlanReducer.isTerminal(s) && s != TaskState.TASK_STATE_SUCCEEDED) {
          return "sync point '" + sp.name() + "' can never be released: task '" + after + "' " + Events.word(s);
        }
      }
    }
    return null;
  }

  private void admit() {
    ensureTracked();
    if (admittable.isEmpty()) {
      return; // every strategy admits nothing from nothing
    }
    List<PlanModel.Task> ready = new ArrayList<>();
    for (int i = admittable.nextSetBit(0); i >= 0; i = admittable.nextSetBit(i + 1)) {
      ready.add(index.task(i));
    }
    Collection<PlanModel.Task> flying = new AbstractCollection<>() { // a view: no copy per step
      @Override
      public Iterator<PlanModel.Task> iterator() {
        Iterator<Attempt> it = inFlight.values().iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public PlanModel.Task next() {
            return it.next().task;
          }
        };
      }

      @Override
      public int size() {
        return inFlight.size();
      }
    };
    for (PlanModel.Task t : strategy.admit(ready, flying)) {
      Attempt a = new Attempt(t);
      a.transfers = resumedTransfers.getOrDefault(t.id(), 0);
      inFlight.put(t.id(), a);
    }
  }

  /**
   * Dispatches each domain's queue from its head (highest priority) until the queue is empty or
   * every instance of the domain is full. A domain without a usable instance is walked whole, so
   * each waiting attempt's wait is timed (rare: a domain with no instance at all).
   */
  private void dispatchQueued() {
    if (integration != null && !integration.ready()) {
      return; // every task's base commit is the integration branch's head: wait for it to exist
    }
    dispatcher.beginPass();
    for (TreeSet<Attempt> q : List.copyOf(queues.values())) {
      Attempt a = q.isEmpty() ? null : q.first();
      while (a != null && !finished) {
        Attempt next = q.higher(a);
        if (inFlight.get(a.task.id()) != a || a.phase() != Attempt.Phase.QUEUED) {
          unqueue(a); // left the queue's conditions some other way
        } else {
          boolean full = dispatcher.dispatch(a);
          if (a.dispatched()) {
            unqueue(a);
          } else if (full) {
            break;
          }
        }
        a = next;
      }
    }
  }

  /** Puts an admitted, undispatched attempt in its domain's dispatch queue (again, if its domain changed). */
  void queue(Attempt a) {
    unqueue(a);
    if (a.order == 0) {
      a.order = ++admitted;
      a.rank = index.rank(a.task.id());
    }
    a.queuedIn = a.domain();
    queues.computeIfAbsent(a.queuedIn, d -> new TreeSet<>(DISPATCH_ORDER)).add(a);
  }

  private void unqueue(Attempt a) {
    if (a.queuedIn != null) {
      TreeSet<Attempt> q = queues.get(a.queuedIn);
      if (q != null) {
        q.remove(a);
      }
      a.queuedIn = null;
    }
  }

  /** Most remaining work first, then admission order. */
  private static final Comparator<Attempt> DISPATCH_ORDER = (x, y) -> {
    int c = Double.compare(y.rank, x.rank);
    return c != 0 ? c : Long.compare(x.order, y.order);
  };

  /**
   * The attempt's droid succeeded. With a repository its work is merged into the integration
   * branch first, and the task succeeds only once merged (a conflict is remediated first:
   * {@link PlanIntegration}).
   */
  void succeed(Attempt a, DelegationResult result) {
    if (integration != null && !result.getGit().getCommit().isEmpty()) {
      engine.release(a);
      if (a.handle != null) {
        a.handle.stopWatching();
      }
      integration.merge(a, result);
      return;
    }
    completeSuccess(a, result);
  }

  void completeSuccess(Attempt a, DelegationResult result) {
    engine.release(a);
    append(e -> e.setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId(a.task.id()).setAttempt(a.number)
        .setInstanceId(a.instance.id()).setResult(result)));
    if (a.checkpointId != null) {
      String id = a.checkpointId;
      append(e -> e.setCheckpointCommitted(CheckpointCommitted.newBuilder().setCheckpointId(id)));
    }
    inFlight.remove(a.task.id());
    step();
  }

  /** A failed attempt: roll back its checkpoint, then retry after a backoff or fail the task for good. */
  void attemptFailed(Attempt a, String error, DelegationResult result) {
    String instanceId = a.instance.id();
    engine.release(a);
    if (a.handle != null) {
      a.handle.stopWatching();
    }
    history.failedOn(a.task.id(), instanceId);
    // Moves off a failed instance (recovery) are not the task's failures: they do not spend its retries.
    int maxAttempts = 1 + plan.retry().maxRetries() + a.transfers;
    boolean willRetry = a.number < maxAttempts;
    if (a.checkpointId != null) {
      rollBack(a.checkpointId, a.task.id(), error);
    }
    append(e -> e.setTaskFailed(TaskFailed.newBuilder().setTaskId(a.task.id()).setAttempt(a.number)
        .setInstanceId(instanceId).setError(error).setResult(result).setWillRetry(willRetry)));
    if (willRetry) {
      Duration backoff = RetryBackoff.of(plan.retry(), a.number, timeScale, engine.random);
      int next = a.number + 1;
      append(e -> e.setTaskRetried(TaskRetried.newBuilder().setTaskId(a.task.id()).setAttempt(next)
          .setBackoffMs(backoff.toMillis())));
      a.backOff();
      scheduleRetry(a, backoff.toMillis());
    } else {
      inFlight.remove(a.task.id());
      if (integration != null) {
        integration.taskFailed(a.task.id(), error);
      }
      noteFailure("task '" + a.task.id() + "' failed after " + a.number
          + (a.number == 1 ? " attempt: " : " attempts: ") + error);
    }
    step();
  }

  /** Makes the attempt ready again when its backoff ends. */
  private void scheduleRetry(Attempt a, long delayMillis) {
    engine.executor.schedule(() -> engine.guard(() -> {
      if (!finished && inFlight.get(a.task.id()) == a) {
        a.requeue();
        queue(a);
        append(e -> e.setTaskReady(TaskReady.newBuilder().setTaskId(a.task.id())));
        step();
      }
    }), delayMillis, TimeUnit.MILLISECONDS);
  }

  void failForGood(Attempt a, String error) {
    int number = a.number;
    append(e -> e.setTaskFailed(TaskFailed.newBuilder().setTaskId(a.task.id()).setAttempt(number)
        .setError(error).setWillRetry(false)));
    inFlight.remove(a.task.id());
    noteFailure("task '" + a.task.id() + "' failed: " + error);
    step();
  }

  private void noteFailure(String reason) {
    if (failure == null) {
      failure = reason;
    }
  }

  private void maybeFinish() {
    if (finished || !inFlight.isEmpty() || sync.pending()) {
      return;
    }
    ensureTracked();
    if (!unfinishedTasks.isEmpty()) {
      return;
    }
    PlanStatus st = status();
    int unsuccessful = 0;
    for (TaskStatus ts : st.getTasksList()) {
      if (!PlanReducer.isTerminal(ts.getState())) {
        return;
      }
      if (ts.getState() != TaskState.TASK_STATE_SUCCEEDED) {
        unsuccessful++;
      }
    }
    String unresolved = unresolvedConflicts(st);
    if (unsuccessful == 0 && unresolved.isEmpty()) {
      finish(PlanState.PLAN_STATE_SUCCEEDED, "");
    } else if (unsuccessful == 0 && failure == null) {
      finish(PlanState.PLAN_STATE_DEGRADED, unresolved);
    } else if (failure == null && recovery.degraded()) {
      finish(PlanState.PLAN_STATE_DEGRADED, recovery.degradedReason(st));
    } else {
      finish(PlanState.PLAN_STATE_FAILED,
          failure != null ? failure : unsuccessful + " task(s) did not succeed");
    }
  }

  /**
   * True, having failed the plan, when what its droids spent so far went past the plan's budget
   * (spec.budget): every running agent is stopped and the budget named.
   */
  boolean overBudget() {
    PlanModel.Budget budget = plan.agents().budget();
    if (budget.isNone() || finished) {
      return false;
    }
    var exceeded = dev.baton.runtime.droid.Usages.exceeded(engine.store.usage(planId).orElseThrow(),
        dev.baton.v1.Budget.newBuilder().setUsd(budget.usd()).setTokens(budget.tokens()).setTurns(budget.turns()).build(),
        "plan budget");
    if (exceeded.isEmpty()) {
      return false;
    }
    abort(PlanState.PLAN_STATE_FAILED, exceeded.get().message());
    return true;
  }

  /** Records a sync point's failure reason and ends the plan. */
  void failPlan(String reason) {
    abort(PlanState.PLAN_STATE_FAILED, reason);
  }

  /** Stops all outstanding work (CancelExecution on each instance), cancels unfinished tasks, ends the plan. */
  void abort(PlanState state, String reason) {
    if (finished) {
      return;
    }
    List<Runnable> cancels = new ArrayList<>();
    for (Attempt a : inFlight.values()) {
      if (a.handle != null) {
        a.handle.stopWatching();
      }
      if (a.dispatched()) {
        engine.release(a);
        if (a.executionId != null) {
          Delegator.Target target = Dispatcher.target(a.instance);
          String executionId = a.executionId;
          cancels.add(() -> engine.delegator.cancel(target, executionId, reason));
        }
      }
    }
    inFlight.clear();
    queues.clear();
    for (TaskStatus ts : status().getTasksList()) {
      if (!PlanReducer.isTerminal(ts.getState())) {
        append(e -> e.setTaskCancelled(TaskCancelled.newBuilder().setTaskId(ts.getId()).setReason(reason)));
      }
    }
    finish(state, reason);
    // Cancelled once the cancellation is durable: a successor must not find these tasks running and retry them.
    engine.outbox(() -> cancels.forEach(Runnable::run));
  }

  /**
   * Conflicts a tight or loose point let through unresolved (graceful degradation after its
   * mediation rounds): the plan finished, but not with the guarantees its sync points stand for.
   * An eventual point never mediates, so what it reports is a notification, not a degradation.
   */
  private static String unresolvedConflicts(PlanStatus st) {
    List<String> parts = new ArrayList<>();
    for (var sp : st.getSyncPointsList()) {
      if (sp.getResult().getUnresolvedCount() > 0 && !sp.getResult().getMode().equals("eventual")) {
        parts.add("sync point '" + sp.getName() + "' released with " + sp.getResult().getUnresolvedCount()
            + " unresolved conflict(s), first: " + sp.getResult().getUnresolved(0).getLocation());
      }
    }
    return String.join("; ", parts);
  }

  private void finish(PlanState state, String reason) {
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
    }
    recovery.close();
    finished = true;
    // Real droids take real time: their plan is measured at scale 1 whatever the submission's time scale.
    var summary = SummaryBuilder.build(plan, status(), engine.store.read(planId, 0), plan.real() ? 1 : timeScale,
        engine.clock.instant());
    append(e -> e.setPlanFinished(PlanFinished.newBuilder().setState(state).setReason(reason).setSummary(summary)));
    engine.finished(this);
  }

  /** The instance's stream or heartbeats ended: re-examine waits. */
  void onRegistryChange() {
    step();
  }

  void onSyncArrival(String instanceId, dev.baton.v1.SyncArrival arrival) {
    sync.onArrival(instanceId, arrival);
  }

  /**
   * On master shutdown or stand-down: stop watching, leave the plan's state as it is. The run
   * acts no more (its timers and late callbacks find it finished); a successor resumes the plan.
   */
  void detach() {
    finished = true;
    detached = true;
    spans.detach();
    for (Attempt a : inFlight.values()) {
      if (a.handle != null) {
        a.handle.stopWatching();
      }
    }
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
    }
    recovery.close();
  }

  /** An instance failed (its breaker opened): recover this plan's tasks on it. */
  void onInstanceFailed(String instanceId, String detection, Instant detectedAt) {
    if (!finished) {
      recovery.onInstanceFailed(instanceId, detection, detectedAt);
      step();
    }
  }

  /** The instance answered a probe: watch its lost attempts again. */
  void reattach(String instanceId) {
    for (Attempt a : List.copyOf(inFlight.values())) {
      if (a.watch() == Attempt.Watch.LOST && !a.awaitingRestart && a.phase() == Attempt.Phase.OUT
          && a.instance.id().equals(instanceId) && a.pkg != null) {
        dispatcher.reattach(a);
      }
    }
  }

  /** True when an attempt of this plan on the instance lost its watch and waits for a verdict. */
  boolean hasLost(String instanceId) {
    for (Attempt a : inFlight.values()) {
      if (a.watch() == Attempt.Watch.LOST && !a.awaitingRestart && a.phase() == Attempt.Phase.OUT
          && a.instance.id().equals(instanceId)) {
        return true;
      }
    }
    return false;
  }

  /** The attempts in flight in admission order, with the plan positions of their tasks. */
  private final class InFlight extends LinkedHashMap<String, Attempt> {
    final BitSet positions = new BitSet();

    /** Admits the attempt; a new one (not dispatched, not backing off) joins its dispatch queue. */
    @Override
    public Attempt put(String taskId, Attempt a) {
      Integer i = index.position(taskId);
      if (i != null) {
        positions.set(i);
        if (admittable != null) {
          admittable.clear(i);
        }
      }
      Attempt old = super.put(taskId, a);
      if (old != null && old != a) {
        unqueue(old);
      }
      if (a.phase() == Attempt.Phase.QUEUED) {
        queue(a);
      }
      return old;
    }

    @Override
    public Attempt remove(Object taskId) {
      Attempt removed = super.remove(taskId);
      if (removed != null) {
        unqueue(removed);
        Integer i = index.position((String) taskId);
        if (i != null) {
          positions.clear(i);
          TaskStatus ts = admittable == null ? null : liveTasks.get(taskId);
          if (ts != null && ts.getState() == TaskState.TASK_STATE_READY) {
            admittable.set(i); // dropped while READY: admissible again
          }
        }
      }
      return removed;
    }

    @Override
    public void clear() {
      positions.clear();
      super.clear();
      pendingTasks = null; // rebuilt from the status if ever needed again
    }
  }

  /** {@link #tasksById}: each task looked up in the store as the events so far made it. */
  private final class LiveTasks extends AbstractMap<String, TaskStatus> {
    @Override
    public TaskStatus get(Object id) {
      return id instanceof String s ? engine.store.task(planId, s).orElse(null) : null;
    }

    @Override
    public boolean containsKey(Object id) {
      return get(id) != null;
    }

    @Override
    public Set<Entry<String, TaskStatus>> entrySet() {
      return byId(status()).entrySet();
    }
  }

  /** The live tasks with those a promote round changed shown as they were when the round began. */
  private final class AsOfRoundStart extends AbstractMap<String, TaskStatus> {
    private final Map<String, TaskStatus> before;

    AsOfRoundStart(Map<String, TaskStatus> before) {
      this.before = before;
    }

    @Override
    public TaskStatus get(Object id) {
      TaskStatus ts = before.get(id);
      return ts != null ? ts : liveTasks.get(id);
    }

    @Override
    public boolean containsKey(Object id) {
      return get(id) != null;
    }

    @Override
    public Set<Entry<String, TaskStatus>> entrySet() {
      throw new UnsupportedOperationException("lookups only");
    }
  }

  static Map<String, TaskStatus> byId(PlanStatus st) {
    Map<String, TaskStatus> m = new HashMap<>();
    for (TaskStatus ts : st.getTasksList()) {
      m.put(ts.getId(), ts);
    }
    return m;
  }

  private static boolean allSucceeded(List<String> ids, Map<String, TaskStatus> tasks) {
    for (String id : ids) {
      if (!succeeded(tasks, id)) {
        return false;
      }
    }
    return true;
  }

  static boolean succeeded(Map<String, TaskStatus> tasks, String id) {
    return tasks.get(id).getState() == TaskState.TASK_STATE_SUCCEEDED;
  }
}
