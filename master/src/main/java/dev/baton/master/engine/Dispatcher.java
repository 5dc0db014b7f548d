package dev.baton.master.engine;

import dev.baton.master.balance.Candidate;
import dev.baton.master.balance.Choice;
import dev.baton.master.balance.LoadBalancingPolicy;
import dev.baton.master.balance.ScorePolicy;
import dev.baton.master.delegation.Delegator;
import dev.baton.master.delegation.ExecutionListener;
import dev.baton.master.delegation.PackageBuilder;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.registry.Instance;
import dev.baton.v1.Checkpoint;
import dev.baton.v1.CheckpointStatus;
import dev.baton.v1.CheckpointTaken;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.Deliverable;
import dev.baton.v1.ExecutionIssue;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.IssueSeverity;
import dev.baton.v1.LevelStarted;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SharedArtifact;
import dev.baton.v1.TaskDelegated;
import dev.baton.v1.TaskDroidEvents;
import dev.baton.v1.TaskProgress;
import dev.baton.v1.TaskStarted;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One plan's delegations: picks an instance (healthy, breaker letting work through, a free slot,
 * the policy's or recovery's choice), delegates, and turns the instance's updates into events.
 * Callbacks of attempts the plan gave up on (transferred or degraded) go to
 * {@link PlanRecovery#onStaleUpdate}, never to the plan's state.
 */
final class Dispatcher {
  private static final double PROGRESS_STEP = 0.1;

  private final PlanRun run;
  private final Engine engine;
  private final LoadBalancingPolicy policy;
  private int checkpoints;

  Dispatcher(PlanRun run, Engine engine, LoadBalancingPolicy policy) {
    this.run = run;
    this.engine = engine;
    this.policy = policy;
  }

  /**
   * Each domain's healthy instances as read at the start of this dispatch pass: a pass dispatches
   * many tasks, and their health cannot change within it (the registry's changes are posted).
   */
  private final Map<String, List<Instance>> healthyThisPass = new HashMap<>();

  /** A dispatch pass begins: read the registry again. */
  void beginPass() {
    healthyThisPass.clear();
  }

  String policyName() {
    return policy.name();
  }

  /**
   * Picks an instance and delegates, or leaves the task waiting (no instance yet, or all full).
   *
   * @return true when the task was held back because every allowed instance of its domain is at
   *     max_concurrent_tasks or has {@link Engine#DELEGATE_WINDOW} Delegates unanswered: until a
   *     slot is released or an answer comes, another task of the domain would be too
   */
  boolean dispatch(Attempt a) {
    PlanModel.Task task = a.task;
    String domain = a.domain();
    Instant now = engine.clock.instant();
    List<Instance> healthy = healthyThisPass.computeIfAbsent(domain, engine.registry::healthy);
    List<Instance> withRoom = new ArrayList<>(healthy.size());
    for (Instance i : healthy) {
      if (engine.outstanding(i.id()) < i.maxConcurrentTasks() && engine.windowOpen(i.id())) {
        withRoom.add(i);
      }
    }
    if (!healthy.isEmpty() && withRoom.isEmpty()) {
      a.waitingSince = null;
      return true; // every instance of the domain is full (or its window is): hold the task back
    }
    // Asking a breaker for a permission moves an open one past its wait to half-open, so its probe can go.
    List<Instance> allowed = new ArrayList<>(withRoom.size());
    for (Instance i : withRoom) {
      if (engine.breakers.tryAcquire(i.id())) {
        allowed.add(i);
      }
    }
    if (allowed.isEmpty()) {
      if (a.waitingSince == null) {
        a.waitingSince = now;
      } else if (!now.isBefore(a.waitingSince.plus(engine.settings.instanceWait()))) {
        run.failForGood(a, "No orchestrator found for specialization: " + domain);
      }
      return false;
    }
    a.waitingSince = null;
    List<Candidate> free = new ArrayList<>(allowed.size());
    for (Instance i : allowed) {
      free.add(new Candidate(i, engine.outstanding(i.id())));
    }
    Set<String> failed = run.history.failedOn(task.id());
    if (!failed.isEmpty()) {
      List<Candidate> fresh = free.stream().filter(c -> !failed.contains(c.id())).toList();
      if (!fresh.isEmpty()) {
        free = fresh; // a retry goes to another instance when there is one
      }
    }
    Choice choice = choose(a, free);
    for (Instance i : allowed) {
      if (!i.id().equals(choice.candidate().id())) {
        engine.breakers.release(i.id());
      }
    }
    int number = run.history.nextAttempt(task.id());
    a.sendTo(choice.candidate().instance(), number);
    a.score = choice.score();
    a.scores = choice.scores();
    engine.acquire(a);
    List<String> scope = run.strategy.checkpointScope(task);
    if (!scope.isEmpty()) {
      takeCheckpoint(a, scope);
    }
    pack(a, now);
    String via = a.via;
    a.via = null;
    a.preferred = null;
    // The attempt is journaled before its Delegate goes (the outbox): a master taking over finds
    // every attempt that may be running, and re-attaches to it instead of delegating it again.
    run.append(e -> e.setTaskDelegated(TaskDelegated.newBuilder().setTaskId(task.id()).setAttempt(number)
        .setInstanceId(a.instance.id()).setPolicy(policy.name()).setScore(a.score).putAllCandidateScores(a.scores)
        .setReason(via == null ? "" : via).setSubmitter(run.submitter)));
    engine.outbox(() -> send(a, number));
    return false;
  }

  /** Sends the attempt's Delegate, unless the plan gave the attempt up while its event was being made durable. */
  private void send(Attempt a, int number) {
    if (run.inFlight.get(a.task.id()) != a || a.number != number || a.phase() != Attempt.Phase.OUT || run.finished()) {
      return;
    }
    delegate(a, number, false);
  }

  /**
   * Delegates under a {@code delegate} span, current only while the call is made: the delegator
   * copies its context into the request (W3C fields), and the listener ends it.
   */
  private void delegate(Attempt a, int number, boolean reattach) {
    io.opentelemetry.api.trace.Span span = run.spans.startDelegate(run.spans.attemptContext(a.task.id()),
        a.task.id(), number, a.instance, reattach);
    try (io.opentelemetry.context.Scope scope = span.makeCurrent()) {
      a.handle = engine.delegator.delegate(target(a.instance), a.pkg, a.budget,
          new Listener(a.task.id(), number, a.instance, span));
    }
  }

  /** Recovery's preferred backup when it has a slot, else the policy's choice; every candidate's score is kept. */
  private Choice choose(Attempt a, List<Candidate> free) {
    if (a.preferred != null) {
      for (Candidate c : free) {
        if (c.id().equals(a.preferred)) {
          Map<String, Double> scores = new LinkedHashMap<>();
          free.forEach(x -> scores.put(x.id(), ScorePolicy.score(a.task, x)));
          return new Choice(c, scores.get(c.id()), scores);
        }
      }
    }
    return policy.choose(a.task, free);
  }

  /** Builds the attempt's package and budget: what its Delegate sends. */
  private void pack(Attempt a, Instant now) {
    Duration budget = PackageBuilder.attemptBudget(run.plan, a.task, run.timeScale);
    Instant deadline = now.plus(budget);
    if (run.planDeadline != null && run.planDeadline.isBefore(deadline)) {
      deadline = run.planDeadline;
    }
    a.budget = budget;
    a.pkg = PackageBuilder.build(run.planId, run.plan, a.task, a.number, run.timeScale, run.tasksById(), deadline,
        run.plan.real() ? run.status() : null);
    if (run.integration != null) {
      a.pkg = run.integration.decorate(a.pkg);
    }
    // The sub-orchestrator's policy weighs the submitter's roles (autonomy per role).
    a.pkg = a.pkg.toBuilder().setSubmitter(run.submitter).build();
  }

  /**
   * Re-attaches an attempt a previous master delegated (a take-over) to its instance, now
   * registered here: the same attempt number, so the instance answers with the execution it holds
   * (running or finished) instead of starting the droid again.
   */
  void resumeOn(Attempt a, Instance instance) {
    a.adopt(instance);
    pack(a, engine.clock.instant());
    engine.acquire(a);
    reattach(a);
  }

  /** Checkpoints the plan's journal already holds, so new ids follow them. */
  void checkpointsTaken(int n) {
    checkpoints = n;
  }

  /** The same attempt again on the same instance (Delegate is idempotent): to watch it once more. */
  void reattach(Attempt a) {
    a.reattaching();
    delegate(a, a.number, true);
  }

  /** An instance the journal names and this master's registry does not know (yet): id and domain only. */
  static Instance absent(String id, String domain) {
    return new Instance(dev.baton.v1.SubOrchestratorDescriptor.newBuilder().setId(id)
        .setSpecialization(dev.baton.v1.Specialization.newBuilder().setDomain(domain)).build(),
        dev.baton.v1.LoadMetrics.getDefaultInstance(), dev.baton.v1.InstanceHealth.INSTANCE_HEALTH_OFFLINE,
        Duration.ZERO, 0);
  }

  static Delegator.Target target(Instance i) {
    return new Delegator.Target(i.id(), i.address());
  }

  private void takeCheckpoint(Attempt a, List<String> scope) {
    PlanStatus st = run.status();
    Map<String, TaskStatus> tasks = run.tasksById();
    Checkpoint.Builder cp = Checkpoint.newBuilder()
        .setId(run.planId + "-cp-" + (++checkpoints))
        .setTaskId(a.task.id())
        .setOrchestrator(a.task.domain())
        .setTakenAt(Events.ts(engine.clock.instant()))
        .setStatus(CheckpointStatus.CHECKPOINT_STATUS_TAKEN)
        .setEventSequence(st.getLastSequence());
    cp.setIntegrationCommit(st.getIntegrationCommit());
    for (String id : scope) {
      TaskStatus ts = tasks.get(id);
      cp.putTaskStates(id, ts.getState());
      if (!ts.getGit().getCommit().isEmpty()) {
        cp.putTaskCommits(id, ts.getGit().getCommit());
      }
      if (!ts.getResult().getSessionId().isEmpty()) {
        cp.putSessionIds(id, ts.getResult().getSessionId());
      }
      if (ts.getState() == TaskState.TASK_STATE_SUCCEEDED) {
        for (Deliverable d : ts.getResult().getDeliverablesList()) {
          cp.addArtifacts(SharedArtifact.newBuilder().setName(d.getName()).setProducedByTask(id)
              .setOrchestrator(ts.getOrchestrator()).setMediaType(d.getMediaType())
              .setContent(d.getContent()).setLocation(d.getPath()));
        }
      }
    }
    a.checkpointId = cp.getId();
    run.append(e -> e.setCheckpointTaken(CheckpointTaken.newBuilder().setCheckpoint(cp)));
  }

  /** Hands a delegation's callbacks to the engine's thread, telling current attempts from abandoned ones. */
  private final class Listener implements ExecutionListener {
    private final String taskId;
    private final int number;
    private final Instance instance;
    /** The delegation's span: thread-safe, ended once by the terminal callback (gRPC or timer thread). */
    private final io.opentelemetry.api.trace.Span span;

    Listener(String taskId, int number, Instance instance, io.opentelemetry.api.trace.Span span) {
      this.taskId = taskId;
      this.number = number;
      this.instance = instance;
      this.span = span;
    }

    private Attempt current() {
      Attempt a = run.inFlight.get(taskId);
      return a != null && a.number == number && a.phase() == Attempt.Phase.OUT && !run.finished() ? a : null;
    }

    @Override
    public void onAccepted(DelegateResponse response) {
      engine.post(() -> {
        Attempt a = current();
        if (a == null) {
          // The attempt was abandoned while Delegate was in flight: do not leave the work running.
          engine.delegator.cancel(target(instance), response.getExecutionId(), "attempt abandoned by the master");
          return;
        }
        a.executionId = response.getExecutionId();
        a.answeredDelegate();
        engine.answered(a);
      });
    }

    @Override
    public void onUpdate(ExecutionUpdate update) {
      switch (update.getState()) {
        case EXECUTION_STATE_SUCCEEDED, EXECUTION_STATE_CANCELLED -> span.end();
        case EXECUTION_STATE_FAILED -> {
          span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, PlanSpans.oneLine(update.getMessage()));
          span.end();
        }
        default -> { }
      }
      engine.post(() -> {
        Attempt a = current();
        if (a != null) {
          onExecutionUpdate(a, update);
        } else {
          run.recovery.onStaleUpdate(taskId, number, instance.id(), update);
        }
      });
    }

    @Override
    public void onDelegateFailed(Status status) {
      span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, PlanSpans.oneLine(describe(status)));
      span.end();
      engine.post(() -> {
        Attempt a = current();
        if (a == null) {
          return;
        }
        if (a.watch() == Attempt.Watch.REATTACHING && status.getCode() == Status.Code.UNAVAILABLE) {
          // Re-attaching an attempt that already ran there (a take-over, or a watch lost before):
          // the instance cannot be reached, which is the instance failing, not the task. Treat it
          // as a lost watch: the instance is probed, and its breaker decides between re-attaching
          // again and failing the attempt over (RecoveryPerformed), spending no retry.
          a.watchLost();
          if (!a.awaitingRestart) {
            engine.suspect(a.instance);
          }
          return;
        }
        run.attemptFailed(a, describe(status), DelegationResult.getDefaultInstance());
      });
    }

    @Override
    public void onWatchLost(Status status) {
      span.addEvent("watch lost");
      span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "watch lost: " + PlanSpans.oneLine(describe(status)));
      span.end();
      engine.post(() -> {
        Attempt a = current();
        if (a != null) {
          // Not a failure of the task: the instance is probed, and its breaker decides.
          a.watchLost();
          if (!a.awaitingRestart) {
            engine.suspect(a.instance);
          }
        }
      });
    }
  }

  static String describe(Status status) {
    return status.getDescription() == null ? status.getCode().toString() : status.getDescription();
  }

  /** Droid events of one attempt the plan's journal records at most. */
  static final int MAX_RECORDED_EVENTS = 2_000;

  private void onExecutionUpdate(Attempt a, ExecutionUpdate u) {
    if (u.getEventsCount() > 0) {
      // The journal keeps at most MAX_RECORDED_EVENTS events per attempt (usage always); the
      // instance's bounded log pages the rest (ListDroidEvents).
      int room = Math.max(0, MAX_RECORDED_EVENTS - a.eventsRecorded);
      var events = u.getEventsList().subList(0, Math.min(room, u.getEventsCount()));
      a.eventsRecorded += events.size();
      run.append(e -> e.setTaskDroidEvents(TaskDroidEvents.newBuilder().setTaskId(a.task.id()).setAttempt(a.number)
          .addAllEvents(events).setUsage(u.getUsage())));
      if (run.overBudget()) {
        return;
      }
    }
    switch (u.getState()) {
      case EXECUTION_STATE_RUNNING -> {
        markStarted(a, u);
        if (u.getProgress() - a.lastProgress >= PROGRESS_STEP) {
          a.lastProgress = u.getProgress();
          run.append(e -> e.setTaskProgress(TaskProgress.newBuilder().setTaskId(a.task.id()).setAttempt(a.number)
              .setProgress(u.getProgress()).setMessage(u.getMessage())));
        }
      }
      case EXECUTION_STATE_SUCCEEDED -> {
        markStarted(a, u);
        run.succeed(a, u.getResult());
      }
      case EXECUTION_STATE_FAILED -> {
        markStarted(a, u);
        run.attemptFailed(a, errorOf(a, u), u.getResult());
      }
      case EXECUTION_STATE_CANCELLED -> {
        markStarted(a, u);
        run.attemptFailed(a, "cancelled on instance " + a.instance.id()
            + (u.getMessage().isEmpty() ? "" : ": " + u.getMessage()), u.getResult());
      }
      default -> { }
    }
  }

  private void markStarted(Attempt a, ExecutionUpdate u) {
    if (a.started) {
      return;
    }
    a.started = true;
    Integer level = run.levelOf.get(a.task.id());
    if (level != null && run.history.levelStarts(level)) {
      PlanModel.Level l = run.plan.analysis().levels().stream().filter(x -> x.level() == level).findFirst().orElseThrow();
      run.append(e -> e.setLevelStarted(LevelStarted.newBuilder().setLevel(level)
          .addAllOrchestrators(l.domains()).setTasks(l.taskIds().size())));
    }
    TaskStarted.Builder started = TaskStarted.newBuilder().setTaskId(a.task.id()).setAttempt(a.number)
        .setInstanceId(a.instance.id()).setDroid(u.getDroid())
        .setExecutionId(a.executionId != null ? a.executionId : u.getExecutionId());
    if (u.hasTime()) {
      started.setStartedAt(u.getTime());
    }
    run.append(e -> e.setTaskStarted(started));
  }

  private static String errorOf(Attempt a, ExecutionUpdate u) {
    for (ExecutionIssue issue : u.getResult().getIssuesList()) {
      if (issue.getSeverity() == IssueSeverity.ISSUE_SEVERITY_ERROR) {
        return issue.getMessage();
      }
    }
    if (!u.getMessage().isEmpty()) {
      return u.getMessage();
    }
    return "attempt " + a.number + " failed on instance " + a.instance.id();
  }
}
