package dev.baton.master.engine;

import dev.baton.master.delegation.Delegator;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.recovery.Coverage;
import dev.baton.master.recovery.CoverageFinder;
import dev.baton.master.recovery.FailureImpact;
import dev.baton.master.recovery.RecoveryDecision;
import dev.baton.master.recovery.RecoveryStrategy;
import dev.baton.master.registry.Instance;
import dev.baton.v1.CheckpointRolledBack;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.RecoveryPerformed;
import dev.baton.v1.RecoveryResult;
import dev.baton.v1.TaskReady;
import dev.baton.v1.TaskResultIgnored;
import dev.baton.v1.TaskSkipped;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One plan's side of the seed's handleOrchestratorFailure: when an instance fails, assess what of
 * this plan it held, let the plan's {@link RecoveryStrategy} decide, carry the decision out and
 * report it as a RecoveryPerformed event. Attempts the plan gave up on are remembered as ghosts so
 * that a late result from them is recorded (TaskResultIgnored) and never applied. Scheduler thread only.
 */
final class PlanRecovery {
  /** An abandoned attempt whose watch is kept open to notice a late result. */
  private record Ghost(String instanceId, Delegator.Handle handle, String why) {}

  /** A restart waiting for its instance. */
  private static final class Pending {
    final String detection;
    final Instant detectedAt;
    ScheduledFuture<?> timer;

    Pending(String detection, Instant detectedAt) {
      this.detection = detection;
      this.detectedAt = detectedAt;
    }
  }

  private final PlanRun run;
  private final Engine engine;
  private final RecoveryStrategy strategy;
  private final CoverageFinder coverage;
  private final Map<String, Ghost> ghosts = new HashMap<>();
  private final Map<String, Pending> restarts = new LinkedHashMap<>();
  private final Map<String, String> degraded = new LinkedHashMap<>();

  PlanRecovery(PlanRun run, Engine engine) {
    this.run = run;
    this.engine = engine;
    this.strategy = RecoveryStrategy.of(run.plan.failureHandling(), engine.resilience);
    this.coverage = new CoverageFinder(engine.resilience.redistributeMinCoverage());
  }

  /** A plan taken over: the tasks recovery had given up on (their TaskSkipped events say so). */
  void resume(Map<String, String> degradedTasks) {
    degraded.putAll(degradedTasks);
  }

  void onInstanceFailed(String instanceId, String detection, Instant detectedAt) {
    if (restarts.containsKey(instanceId) || attemptsOn(instanceId).isEmpty()) {
      return;
    }
    decide(instanceId, detection, detectedAt, false);
  }

  /** On every step: has an instance we wait for come back? */
  void check() {
    for (String id : List.copyOf(restarts.keySet())) {
      if (back(id)) {
        Pending p = restarts.remove(id);
        p.timer.cancel(false);
        decide(id, p.detection, p.detectedAt, false);
      }
    }
  }

  private boolean back(String instanceId) {
    return engine.registry.instance(instanceId).map(Instance::healthy).orElse(false)
        && !engine.breakers.isOpen(instanceId);
  }

  private List<Attempt> attemptsOn(String instanceId) {
    List<Attempt> out = new ArrayList<>();
    for (Attempt a : run.inFlight.values()) {
      if (a.phase() == Attempt.Phase.OUT && a.instance.id().equals(instanceId)) {
        out.add(a);
      }
    }
    return out;
  }

  private void decide(String instanceId, String detection, Instant detectedAt, boolean graceExpired) {
    List<Attempt> affected = attemptsOn(instanceId);
    if (affected.isEmpty()) {
      return;
    }
    String domain = affected.get(0).instance.domain();
    FailureImpact impact = assess(instanceId, domain, detection, detectedAt, affected, graceExpired);
    RecoveryDecision d = strategy.decide(impact);
    Map<String, String> assignments = new LinkedHashMap<>();
    String backup = "";
    int transferred = 0;
    if (d instanceof RecoveryDecision.Restart r) {
      affected.forEach(a -> a.awaitingRestart = true);
      Pending p = new Pending(detection, detectedAt);
      p.timer = engine.executor.schedule(() -> engine.guard(() -> {
        if (restarts.remove(instanceId) == p && !run.finished()) {
          decide(instanceId, detection, detectedAt, true);
          run.step();
        }
      }), r.grace().toMillis(), TimeUnit.MILLISECONDS);
      restarts.put(instanceId, p);
      return; // reported once it resolves
    } else if (d instanceof RecoveryDecision.Resumed) {
      backup = instanceId;
      for (Attempt a : affected) {
        a.awaitingRestart = false;
        assignments.put(a.task.id(), instanceId);
        if (a.watch() == Attempt.Watch.LOST && a.pkg != null) {
          run.dispatcher.reattach(a);
        }
      }
    } else if (d instanceof RecoveryDecision.Failover f) {
      backup = f.backup();
      for (Attempt a : affected) {
        transfer(a, f.backup(), null, "failover from " + instanceId + " (" + detection + ")");
        assignments.put(a.task.id(), f.backup());
        transferred++;
      }
      engine.registry.markOffline(instanceId, detection + "; its tasks failed over to " + f.backup());
    } else if (d instanceof RecoveryDecision.Redistribute r) {
      for (Attempt a : affected) {
        String to = r.toDomain().get(a.task.id());
        if (to == null) {
          transfer(a, null, null, "waiting for an instance of " + a.domain() + " after " + instanceId + " failed");
          assignments.put(a.task.id(), "waiting:" + a.domain());
        } else {
          transfer(a, null, to.equals(a.task.domain()) ? null : to, r.why().get(a.task.id()));
          assignments.put(a.task.id(), to);
          transferred++;
        }
      }
      backup = String.join(",", r.toDomain().values().stream().distinct().toList());
      engine.registry.markOffline(instanceId, detection + "; its tasks were redistributed");
    } else {
      for (Attempt a : affected) {
        degrade(a, d.reason());
        assignments.put(a.task.id(), "degraded");
      }
    }
    report(d, instanceId, backup, transferred, detection, detectedAt, affected, assignments);
  }

  private FailureImpact assess(String instanceId, String domain, String detection, Instant detectedAt,
      List<Attempt> affected, boolean graceExpired) {
    List<Instance> live = new ArrayList<>();
    for (Instance i : engine.registry.instances()) {
      if (i.healthy() && !engine.breakers.isOpen(i.id()) && !i.id().equals(instanceId)) {
        live.add(i);
      }
    }
    // Best backup first: the most free slots (share of its capacity), then id.
    List<String> backups = live.stream().filter(i -> i.domain().equals(domain))
        .sorted(Comparator.comparingDouble((Instance i) -> (double) engine.outstanding(i.id()) / i.maxConcurrentTasks())
            .thenComparing(Instance::id))
        .map(Instance::id).toList();
    Map<String, Coverage> covering = new HashMap<>();
    List<PlanModel.Task> tasks = new ArrayList<>();
    for (Attempt a : affected) {
      tasks.add(a.task);
      coverage.best(a.task, a.domain(), live).ifPresent(c -> covering.put(a.task.id(), c));
    }
    return new FailureImpact(instanceId, domain, detection, detectedAt, tasks, engine.tasksOn(instanceId), backups,
        covering, back(instanceId), graceExpired);
  }

  /** Moves the attempt off its instance: the next dispatch is a new attempt number (idempotency must not collapse it). */
  private void transfer(Attempt a, String preferred, String domain, String via) {
    abandon(a, "task " + a.task.id() + " was moved off " + a.instance.id() + " (" + via + ")");
    run.history.failedOn(a.task.id(), a.instance.id());
    if (a.checkpointId != null) {
      run.rollBack(a.checkpointId, a.task.id(), via);
    }
    a.requeue();
    a.preferred = preferred;
    if (domain != null) {
      a.domain = domain;
    }
    a.via = via;
    a.transfers++;
    run.queue(a);
    run.append(e -> e.setTaskReady(TaskReady.newBuilder().setTaskId(a.task.id())));
  }

  private void degrade(Attempt a, String reason) {
    abandon(a, "task " + a.task.id() + " was degraded");
    run.inFlight.remove(a.task.id());
    degraded.put(a.task.id(), reason);
    run.append(e -> e.setTaskSkipped(TaskSkipped.newBuilder().setTaskId(a.task.id())
        .setReason("degraded: " + reason).setDegraded(true)));
  }

  /** Stops counting the attempt, keeps its watch as a ghost and asks the instance to drop it. */
  private void abandon(Attempt a, String why) {
    engine.release(a);
    if (a.handle != null) {
      ghosts.put(key(a.task.id(), a.number), new Ghost(a.instance.id(), a.handle, why));
    }
    if (a.executionId != null) {
      engine.delegator.cancel(Dispatcher.target(a.instance), a.executionId, why);
    }
  }

  private void report(RecoveryDecision d, String instanceId, String backup, int transferred, String detection,
      Instant detectedAt, List<Attempt> affected, Map<String, String> assignments) {
    Instant now = engine.clock.instant();
    RecoveryResult result = RecoveryResult.newBuilder()
        .setRecoveryType(d.type())
        .setFailedOrchestrator(instanceId)
        .setBackupOrchestrator(backup)
        .setTasksTransferred(transferred)
        .setRecoveryTimeMs(Math.max(0, Duration.between(detectedAt, now).toMillis()))
        .setReason(d.reason())
        .addAllTaskIds(affected.stream().map(a -> a.task.id()).toList())
        .setDetectedAt(Events.ts(detectedAt))
        .setDetection(detection)
        .putAllAssignments(assignments)
        .build();
    run.append(e -> e.setRecoveryPerformed(RecoveryPerformed.newBuilder().setResult(result)));
  }

  /** A callback of an attempt that is no longer current: a ghost's result is recorded and ignored. */
  void onStaleUpdate(String taskId, int number, String instanceId, ExecutionUpdate u) {
    ExecutionState s = u.getState();
    boolean terminal = s == ExecutionState.EXECUTION_STATE_SUCCEEDED || s == ExecutionState.EXECUTION_STATE_FAILED
        || s == ExecutionState.EXECUTION_STATE_CANCELLED;
    if (!terminal) {
      return;
    }
    Ghost g = ghosts.remove(key(taskId, number));
    if (g == null) {
      return;
    }
    g.handle().stopWatching();
    String outcome = s.name().substring("EXECUTION_STATE_".length()).toLowerCase(Locale.ROOT);
    run.append(e -> e.setTaskResultIgnored(TaskResultIgnored.newBuilder().setTaskId(taskId).setAttempt(number)
        .setInstanceId(instanceId).setOutcome(outcome).setReason(g.why() + "; the result arrived too late")));
  }

  boolean degraded() {
    return !degraded.isEmpty();
  }

  /** The plan's DEGRADED reason: what was given up and why, and what was skipped because of it. */
  String degradedReason(PlanStatus st) {
    List<String> skipped = new ArrayList<>();
    for (TaskStatus ts : st.getTasksList()) {
      if (ts.getState() == TaskState.TASK_STATE_SKIPPED && !degraded.containsKey(ts.getId())) {
        skipped.add(ts.getId());
      }
    }
    String first = degraded.values().iterator().next();
    return degraded.size() + " task(s) degraded (" + String.join(", ", degraded.keySet()) + "): " + first
        + (skipped.isEmpty() ? "" : "; skipped as dependents: " + String.join(", ", skipped));
  }

  /** The plan ended: stop the ghosts' watches and the restart timers. */
  void close() {
    ghosts.values().forEach(g -> g.handle().stopWatching());
    ghosts.clear();
    restarts.values().forEach(p -> p.timer.cancel(false));
    restarts.clear();
  }

  private static String key(String taskId, int number) {
    return taskId + "#" + number;
  }
}
