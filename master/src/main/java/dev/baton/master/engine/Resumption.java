package dev.baton.master.engine;

import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.PlanAccepted;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.SyncPointChecked;
import dev.baton.v1.TaskAdded;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a plan's journal tells a master that takes it over, beyond the plan's status: the scheduler's
 * bookkeeping folded from the events (attempt numbers, the instances each task failed on, when a
 * backoff ends, the attempt each running task has out, sync points mid-barrier or mid-mediation,
 * checkpoints and levels taken). Timers are rebuilt from journaled times, so a backoff or a deadline
 * ends when it would have without the take-over.
 *
 * <p>Not rebuilt, by design: a barrier's arrivals (the participants are notified again and arrive
 * again with their current shared state), the Delegate window and outstanding counts (rebuilt as
 * attempts are re-attached), and recovery's memory of instances it already gave up on (a failed
 * instance that stays gone fails again).
 */
final class Resumption {
  /** The attempt a task has out: journaled by TaskDelegated, perhaps started. */
  record Running(String taskId, int attempt, String instanceId, String executionId, boolean started) {}

  /** A sync point reached and perhaps released, as its events left it. */
  static final class Gate {
    final String name;
    final Instant reachedAt;
    boolean released;
    int round = 1;
    final List<String> remediating = new ArrayList<>();
    /** Remediation tasks of rounds before the current one: their instances' documents supersede. */
    final List<String> remediatedBefore = new ArrayList<>();
    final Map<List<String>, CrossOrchestratorConflict> detected = new LinkedHashMap<>();
    final Set<List<String>> notified = new HashSet<>();

    Gate(String name, Instant reachedAt) {
      this.name = name;
      this.reachedAt = reachedAt;
    }
  }

  final PlanAccepted accepted;
  final Instant acceptedAt;
  final List<TaskAdded> added = new ArrayList<>();
  final Map<String, Integer> attempts = new HashMap<>();
  /** Times recovery moved each task off a failed instance (they do not spend its retries). */
  final Map<String, Integer> transfers = new HashMap<>();
  /** Tasks recovery gave up on (degraded), with why. */
  final Map<String, String> degraded = new LinkedHashMap<>();
  /** Why the plan will fail: the first task that failed for good, as the old master worded it; or null. */
  String failure;
  final Map<String, Set<String>> failedOn = new HashMap<>();
  /** When each retry's backoff ends (the latest TaskRetried of the task). */
  final Map<String, Instant> retryDue = new HashMap<>();
  final Map<String, Running> running = new HashMap<>();
  final Set<Integer> levelsStarted = new HashSet<>();
  final Map<String, Gate> gates = new LinkedHashMap<>();
  int checkpoints;
  boolean integrationCreated;

  private Resumption(PlanAccepted accepted, Instant acceptedAt) {
    this.accepted = accepted;
    this.acceptedAt = acceptedAt;
  }

  /** Folds the plan's events, first to last. */
  static Resumption of(List<PlanEvent> events) {
    if (events.isEmpty() || !events.get(0).hasPlanAccepted()) {
      throw new IllegalStateException("a plan's journal starts with PlanAccepted");
    }
    Resumption r = new Resumption(events.get(0).getPlanAccepted(), Events.instant(events.get(0).getTime()));
    for (PlanEvent e : events) {
      r.apply(e);
    }
    return r;
  }

  private void apply(PlanEvent e) {
    Instant at = Events.instant(e.getTime());
    switch (e.getKindCase()) {
      case TASK_ADDED -> added.add(e.getTaskAdded());
      case TASK_DELEGATED -> {
        var d = e.getTaskDelegated();
        attempts.merge(d.getTaskId(), d.getAttempt(), Math::max);
        running.put(d.getTaskId(), new Running(d.getTaskId(), d.getAttempt(), d.getInstanceId(), d.getExecutionId(), false));
      }
      case TASK_STARTED -> {
        var s = e.getTaskStarted();
        Running was = running.get(s.getTaskId());
        if (was != null && was.attempt() == s.getAttempt()) {
          running.put(s.getTaskId(), new Running(was.taskId(), was.attempt(), was.instanceId(),
              s.getExecutionId().isEmpty() ? was.executionId() : s.getExecutionId(), true));
        }
      }
      case TASK_FAILED -> {
        var f = e.getTaskFailed();
        attempts.merge(f.getTaskId(), f.getAttempt(), Math::max);
        if (!f.getInstanceId().isEmpty()) {
          failedOn.computeIfAbsent(f.getTaskId(), k -> new HashSet<>()).add(f.getInstanceId());
        }
        running.remove(f.getTaskId());
        if (!f.getWillRetry() && failure == null) {
          failure = "task '" + f.getTaskId() + "' failed after " + f.getAttempt()
              + (f.getAttempt() == 1 ? " attempt: " : " attempts: ") + f.getError();
        }
      }
      case TASK_RETRIED -> {
        var t = e.getTaskRetried();
        retryDue.put(t.getTaskId(), at.plusMillis(t.getBackoffMs()));
        running.remove(t.getTaskId());
      }
      case TASK_SUCCEEDED -> running.remove(e.getTaskSucceeded().getTaskId());
      case TASK_CANCELLED -> running.remove(e.getTaskCancelled().getTaskId());
      case TASK_SKIPPED -> {
        running.remove(e.getTaskSkipped().getTaskId());
        if (e.getTaskSkipped().getDegraded()) {
          degraded.put(e.getTaskSkipped().getTaskId(), e.getTaskSkipped().getReason().replaceFirst("^degraded: ", ""));
        }
      }
      case RECOVERY_PERFORMED -> {
        var result = e.getRecoveryPerformed().getResult();
        // A task moved to another instance or domain (not resumed in place, not degraded) was transferred.
        result.getAssignmentsMap().forEach((task, to) -> {
          if (!to.equals(result.getFailedOrchestrator()) && !to.equals("degraded")) {
            transfers.merge(task, 1, Integer::sum);
          }
        });
      }
      case LEVEL_STARTED -> levelsStarted.add(e.getLevelStarted().getLevel());
      case CHECKPOINT_TAKEN -> checkpoints++;
      case INTEGRATION_BRANCH_CREATED -> integrationCreated = true;
      case SYNC_POINT_REACHED -> gates.put(e.getSyncPointReached().getName(),
          new Gate(e.getSyncPointReached().getName(), at));
      case SYNC_POINT_CHECKED -> checked(e.getSyncPointChecked());
      case SYNC_POINT_RELEASED -> {
        Gate g = gates.get(e.getSyncPointReleased().getName());
        if (g != null) {
          g.released = true;
        }
      }
      default -> { }
    }
  }

  private void checked(SyncPointChecked c) {
    Gate g = gates.get(c.getName());
    if (g == null) {
      return;
    }
    for (CrossOrchestratorConflict conflict : c.getConflictsList()) {
      g.detected.putIfAbsent(SyncGates.key(conflict), conflict);
      if (c.getOutcome().equals("notified")) {
        g.notified.add(SyncGates.key(conflict));
      }
    }
    g.remediatedBefore.addAll(g.remediating);
    g.remediating.clear();
    g.round = Math.max(1, c.getRound());
    if (c.getOutcome().equals("remediating")) {
      g.remediating.addAll(c.getRemediationTasksList());
    }
  }
}
