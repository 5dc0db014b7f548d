package dev.baton.master.events;

import com.google.protobuf.Timestamp;
import dev.baton.runtime.droid.Usages;
import dev.baton.v1.Checkpoint;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.CheckpointStatus;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SyncPointState;
import dev.baton.v1.SyncPointStatus;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.Usage;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The only place a {@link PlanStatus} changes: folds one event into the status before it.
 *
 * <p>Pure and deterministic, so replaying a journal rebuilds exactly the status the live store had.
 * Events about unknown tasks or sync points are ignored rather than thrown on: the store has
 * already accepted them, and a reducer that throws would make a journal unreadable.
 */
public final class PlanReducer {
  private PlanReducer() {}

  /** True for the states a plan never leaves. */
  public static boolean isFinished(PlanState state) {
    return state == PlanState.PLAN_STATE_SUCCEEDED
        || state == PlanState.PLAN_STATE_FAILED
        || state == PlanState.PLAN_STATE_CANCELLED
        || state == PlanState.PLAN_STATE_DEGRADED;
  }

  /**
   * The one task whose state {@code e} changes (ready, delegated, started, succeeded, failed,
   * retried, cancelled, skipped), or null: other events change no task's state, or several at once
   * (a rollback, a plan's acceptance) or add one (TaskAdded).
   */
  public static String taskWhoseStateChanges(PlanEvent e) {
    return switch (e.getKindCase()) {
      case TASK_READY -> e.getTaskReady().getTaskId();
      case TASK_DELEGATED -> e.getTaskDelegated().getTaskId();
      case TASK_STARTED -> e.getTaskStarted().getTaskId();
      case TASK_SUCCEEDED -> e.getTaskSucceeded().getTaskId();
      case TASK_FAILED -> e.getTaskFailed().getTaskId();
      case TASK_RETRIED -> e.getTaskRetried().getTaskId();
      case TASK_CANCELLED -> e.getTaskCancelled().getTaskId();
      case TASK_SKIPPED -> e.getTaskSkipped().getTaskId();
      default -> null;
    };
  }

  /** True for the states a task never leaves (short of a checkpoint rollback). */
  public static boolean isTerminal(TaskState state) {
    return state == TaskState.TASK_STATE_SUCCEEDED
        || state == TaskState.TASK_STATE_FAILED
        || state == TaskState.TASK_STATE_CANCELLED
        || state == TaskState.TASK_STATE_SKIPPED;
  }

  /**
   * Applies {@code event} to {@code status} ({@code null} before the plan's first event).
   *
   * @throws IllegalStateException when the first event is not PlanAccepted
   */
  public static PlanStatus apply(PlanStatus status, PlanEvent e) {
    if (status == null) {
      return start(e).snapshot();
    }
    Mutable m = new Mutable(status.toBuilder());
    applyTo(m, e);
    return m.snapshot();
  }

  /**
   * A plan's status being folded in place: a builder plus an index task id -> position, so a task
   * event costs O(1) whatever the plan's size. The immutable {@link PlanStatus} is built only when
   * {@link #snapshot} is asked, and cached until the next event. Not thread-safe.
   */
  public static final class Mutable {
    private final PlanStatus.Builder b;
    private final Map<String, Integer> taskIndex = new HashMap<>();
    private PlanStatus snapshot;

    private Mutable(PlanStatus.Builder b) {
      this.b = b;
      for (int i = 0; i < b.getTasksCount(); i++) {
        taskIndex.putIfAbsent(b.getTasks(i).getId(), i);
      }
    }

    /** The status as the events so far made it. */
    public PlanStatus snapshot() {
      if (snapshot == null) {
        snapshot = b.build();
      }
      return snapshot;
    }

    public PlanState state() {
      return b.getState();
    }

    public String planId() {
      return b.getPlanId();
    }

    /** What the plan's droids spent so far; no snapshot is built. */
    public Usage usage() {
      return b.getUsage();
    }

    /** The task's current status, or null for an unknown task; no snapshot is built. */
    public TaskStatus task(String id) {
      Integer i = taskIndex.get(id);
      return i == null ? null : b.getTasks(i);
    }
  }

  /**
   * Starts a plan's in-place status from its first event.
   *
   * @throws IllegalStateException when the event is not PlanAccepted
   */
  public static Mutable start(PlanEvent e) {
    if (!e.hasPlanAccepted()) {
      throw new IllegalStateException("a plan's first event must be PlanAccepted, got " + e.getKindCase());
    }
    return new Mutable(accepted(e).toBuilder());
  }

  /**
   * Continues a plan's in-place status from a status built earlier (a journal's snapshot): the
   * events after {@code status.getLastSequence()} are then folded with {@link #applyTo}.
   */
  public static Mutable resume(PlanStatus status) {
    return new Mutable(status.toBuilder());
  }

  /** Folds {@code e} into {@code m} in place (every event after PlanAccepted). */
  public static void applyTo(Mutable m, PlanEvent e) {
    m.snapshot = null;
    PlanStatus.Builder b = m.b.setLastSequence(e.getSequence());
    Timestamp t = e.getTime();
    switch (e.getKindCase()) {
      case LEVEL_STARTED -> running(b, t);
      case TASK_READY -> {
        running(b, t);
        task(m, e.getTaskReady().getTaskId(), ts -> ts.setState(TaskState.TASK_STATE_READY));
      }
      case TASK_DELEGATED -> {
        var d = e.getTaskDelegated();
        task(m, d.getTaskId(), ts -> ts.setState(TaskState.TASK_STATE_DELEGATED)
            .setAttempt(d.getAttempt())
            .setInstanceId(d.getInstanceId())
            .setExecutionId(d.getExecutionId())
            .setProgress(0));
      }
      case TASK_STARTED -> {
        running(b, t);
        var s = e.getTaskStarted();
        task(m, s.getTaskId(), ts -> {
          ts.setState(TaskState.TASK_STATE_RUNNING)
              .setAttempt(s.getAttempt())
              .setInstanceId(s.getInstanceId())
              .setDroid(s.getDroid())
              .setStartedAt(s.hasStartedAt() ? s.getStartedAt() : t)
              .clearFinishedAt();
          return s.getExecutionId().isEmpty() ? ts : ts.setExecutionId(s.getExecutionId());
        });
      }
      case TASK_PROGRESS -> {
        var p = e.getTaskProgress();
        task(m, p.getTaskId(), ts -> ts.setProgress(p.getProgress()));
      }
      case TASK_DROID_EVENTS -> {
        var d = e.getTaskDroidEvents();
        task(m, d.getTaskId(), ts -> {
          if (d.hasUsage()) {
            spend(b, ts, d.getUsage(), d.getAttempt());
          }
          ts.addAllRecentEvents(d.getEventsList()).setEventCount(ts.getEventCount() + d.getEventsCount());
          int over = ts.getRecentEventsCount() - MAX_RECENT_EVENTS;
          if (over > 0) {
            var kept = new java.util.ArrayList<>(ts.getRecentEventsList().subList(over, ts.getRecentEventsCount()));
            ts.clearRecentEvents().addAllRecentEvents(kept);
          }
          return ts;
        });
      }
      case TASK_MERGED -> {
        var mg = e.getTaskMerged();
        task(m, mg.getTaskId(), ts -> ts.setGit(ts.getGit().toBuilder().setCommit(mg.getCommit())
            .setMergeCommit(mg.getMergeCommit())));
        b.setIntegrationCommit(mg.getMergeCommit());
      }
      case INTEGRATION_BRANCH_CREATED -> {
        var c = e.getIntegrationBranchCreated();
        b.setIntegrationBranch(c.getBranch()).setIntegrationCommit(c.getCommit()).setRepositoryUrl(c.getUrl());
      }
      case INTEGRATION_BRANCH_RESET -> b.setIntegrationCommit(e.getIntegrationBranchReset().getToCommit());
      case TASK_SUCCEEDED -> {
        var s = e.getTaskSucceeded();
        task(m, s.getTaskId(), ts -> endAttempt(b, ts, s.getAttempt(), s.getResult()));
        task(m, s.getTaskId(), ts -> ts.setState(TaskState.TASK_STATE_SUCCEEDED)
            .setAttempt(s.getAttempt())
            .setProgress(1)
            .setResult(s.getResult())
            .setFinishedAt(t));
      }
      case TASK_FAILED -> {
        var f = e.getTaskFailed();
        task(m, f.getTaskId(), ts -> endAttempt(b, ts, f.getAttempt(), f.getResult()));
        task(m, f.getTaskId(), ts -> {
          ts.setState(f.getWillRetry() ? TaskState.TASK_STATE_RETRY_WAIT : TaskState.TASK_STATE_FAILED)
              .setAttempt(f.getAttempt())
              .setLastError(f.getError())
              .setResult(f.getResult());
          if (!f.getWillRetry()) {
            ts.setFinishedAt(t);
          }
          return ts;
        });
      }
      case TASK_RETRIED -> task(m, e.getTaskRetried().getTaskId(),
          ts -> ts.setState(TaskState.TASK_STATE_RETRY_WAIT).setProgress(0));
      case TASK_CANCELLED -> {
        var c = e.getTaskCancelled();
        task(m, c.getTaskId(), ts -> ts.setState(TaskState.TASK_STATE_CANCELLED)
            .setLastError(c.getReason())
            .setFinishedAt(t));
      }
      case TASK_SKIPPED -> {
        var s = e.getTaskSkipped();
        task(m, s.getTaskId(), ts -> ts.setState(TaskState.TASK_STATE_SKIPPED).setLastError(s.getReason()));
      }
      case SYNC_POINT_REACHED -> {
        running(b, t);
        sync(b, e.getSyncPointReached().getName(),
            sp -> sp.setState(SyncPointState.SYNC_POINT_STATE_REACHED).setReachedAt(t));
      }
      case SYNC_POINT_RELEASED -> {
        var r = e.getSyncPointReleased();
        sync(b, r.getName(), sp -> sp.setState(SyncPointState.SYNC_POINT_STATE_RELEASED)
            .setReleasedAt(t)
            .setResult(r.getResult()));
      }
      case CHECKPOINT_TAKEN -> b.addCheckpoints(e.getCheckpointTaken().getCheckpoint());
      case CHECKPOINT_COMMITTED ->
          checkpoint(b, e.getCheckpointCommitted().getCheckpointId(), CheckpointStatus.CHECKPOINT_STATUS_COMMITTED);
      case CHECKPOINT_ROLLED_BACK -> rollBack(b, e.getCheckpointRolledBack().getCheckpointId());
      case RECOVERY_PERFORMED -> b.addRecoveries(e.getRecoveryPerformed().getResult());
      case TASK_ADDED -> {
        String id = e.getTaskAdded().getTask().getId();
        if (!m.taskIndex.containsKey(id)) {
          m.taskIndex.put(id, b.getTasksCount());
          b.addTasks(e.getTaskAdded().getTask());
        }
      }
      case PLAN_FINISHED -> {
        var f = e.getPlanFinished();
        b.setState(f.getState()).setReason(f.getReason()).setSummary(f.getSummary()).setFinishedAt(t);
        if (!b.hasStartedAt()) {
          b.setStartedAt(t);
        }
      }
      case PLAN_ACCEPTED -> throw new IllegalStateException("plan " + b.getPlanId() + " accepted twice");
      case KIND_NOT_SET -> { }
    }
  }

  /** Droid events kept per task in its status; the rest are paged from the instance. */
  public static final int MAX_RECENT_EVENTS = 200;

  /**
   * The attempt's usage is now {@code total}: the task and the plan are charged the difference.
   *
   * <p>A running total replaces the attempt's earlier one, its cost_estimated flag too: claude's
   * usage is estimated from the price table during the run and replaced by the cost claude reports
   * at the end, which is not an estimate. So a task's flag is its earlier attempts' or this
   * attempt's newest, not an OR over every total seen (exact on a first attempt; on a later one
   * whose earlier totals were estimated, the earlier attempts' flag is not known apart and the
   * task's stays as it was), and the plan's is its tasks'.
   */
  private static void spend(PlanStatus.Builder b, TaskStatus.Builder ts, Usage total, int attempt) {
    Usage before = ts.getAttemptUsage();
    Usage delta = Usages.minus(total, before);
    boolean wasEstimated = ts.getUsage().getCostEstimated();
    boolean earlierAttempts = (before.getCostEstimated() && attempt <= 1) ? false : wasEstimated;
    boolean estimated = total.getCostEstimated() || earlierAttempts;
    ts.setUsage(Usages.plus(ts.getUsage(), delta).toBuilder().setCostEstimated(estimated)).setAttemptUsage(total);
    boolean planEstimated = estimated
        || (wasEstimated ? otherTaskEstimated(b, ts.getId()) : b.getUsage().getCostEstimated());
    b.setUsage(Usages.plus(b.getUsage(), delta).toBuilder().setCostEstimated(planEstimated));
  }

  private static boolean otherTaskEstimated(PlanStatus.Builder b, String taskId) {
    for (TaskStatus t : b.getTasksList()) {
      if (!t.getId().equals(taskId) && t.getUsage().getCostEstimated()) {
        return true;
      }
    }
    return false;
  }

  /** An attempt ended with this result: its final usage is charged, the next attempt starts at zero. */
  private static TaskStatus.Builder endAttempt(
      PlanStatus.Builder b, TaskStatus.Builder ts, int attempt, DelegationResult result) {
    if (result.hasUsage()) {
      spend(b, ts, result.getUsage(), attempt);
    }
    if (result.hasGit()) {
      ts.setGit(result.getGit().toBuilder().setMergeCommit(ts.getGit().getMergeCommit()));
    }
    return ts.clearAttemptUsage();
  }

  private static PlanStatus accepted(PlanEvent e) {
    var a = e.getPlanAccepted();
    return PlanStatus.newBuilder()
        .setPlanId(e.getPlanId())
        .setName(a.getName())
        .setDescription(a.getDescription())
        .setState(PlanState.PLAN_STATE_ACCEPTED)
        .setStrategy(a.getStrategy())
        .setDelegationPolicy(a.getDelegationPolicy())
        .setFailureHandling(a.getFailureHandling())
        .setTimeScale(a.getTimeScale())
        .setRequestId(a.getRequestId())
        .setSubmittedBy(a.getSubmittedBy())
        .setSubmittedAt(e.getTime())
        .setAnalysis(a.getAnalysis())
        .addAllTasks(a.getTasksList())
        .addAllSyncPoints(a.getSyncPointsList())
        .setLastSequence(e.getSequence())
        .build();
  }

  private static void running(PlanStatus.Builder b, Timestamp t) {
    if (b.getState() == PlanState.PLAN_STATE_ACCEPTED) {
      b.setState(PlanState.PLAN_STATE_RUNNING).setStartedAt(t);
    }
  }

  private static void task(Mutable m, String id, UnaryOperator<TaskStatus.Builder> change) {
    Integer i = m.taskIndex.get(id);
    if (i != null) {
      m.b.setTasks(i, change.apply(m.b.getTasks(i).toBuilder()));
    }
  }

  private static void sync(PlanStatus.Builder b, String name, UnaryOperator<SyncPointStatus.Builder> change) {
    for (int i = 0; i < b.getSyncPointsCount(); i++) {
      if (b.getSyncPoints(i).getName().equals(name)) {
        b.setSyncPoints(i, change.apply(b.getSyncPoints(i).toBuilder()));
        return;
      }
    }
  }

  private static void checkpoint(PlanStatus.Builder b, String id, CheckpointStatus status) {
    for (int i = 0; i < b.getCheckpointsCount(); i++) {
      if (b.getCheckpoints(i).getId().equals(id)) {
        b.setCheckpoints(i, b.getCheckpoints(i).toBuilder().setStatus(status));
        return;
      }
    }
  }

  /**
   * Restores what the checkpoint holds: the state of every task it covers, with the partial effects
   * of tasks that had not succeeded then (progress, result, artifacts) forgotten. Tasks it does not
   * cover (another domain's, under the hybrid strategy) keep their state.
   */
  private static void rollBack(PlanStatus.Builder b, String checkpointId) {
    Checkpoint cp = null;
    for (Checkpoint c : b.getCheckpointsList()) {
      if (c.getId().equals(checkpointId)) {
        cp = c;
      }
    }
    if (cp == null) {
      return;
    }
    checkpoint(b, checkpointId, CheckpointStatus.CHECKPOINT_STATUS_ROLLED_BACK);
    Map<String, TaskState> states = cp.getTaskStatesMap();
    for (int i = 0; i < b.getTasksCount(); i++) {
      TaskStatus ts = b.getTasks(i);
      TaskState then = states.get(ts.getId());
      if (then == null || then == ts.getState()) {
        continue;
      }
      TaskStatus.Builder restored = ts.toBuilder().setState(then);
      if (then != TaskState.TASK_STATE_SUCCEEDED) {
        restored.setProgress(0).clearResult().clearFinishedAt().clearExecutionId();
      }
      b.setTasks(i, restored);
    }
  }
}
