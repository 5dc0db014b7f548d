package dev.baton.cli;

import dev.baton.runtime.text.Lines;
import com.google.protobuf.Timestamp;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** One readable line per plan event, for logs and for watching without a terminal. */
final class EventFormat {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private EventFormat() {}

  /** The event as one line, or null for events too frequent to print one by one (progress). */
  static String line(PlanEvent e) {
    String what = describe(e);
    if (what == null) {
      return null;
    }
    return time(e.getTime()) + "  #" + e.getSequence() + "  " + what;
  }

  static String time(Timestamp t) {
    return TIME.format(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
  }

  static String describe(PlanEvent e) {
    return switch (e.getKindCase()) {
      case PLAN_ACCEPTED -> "plan " + e.getPlanAccepted().getName() + " accepted ("
          + e.getPlanAccepted().getStrategy() + ", " + e.getPlanAccepted().getAnalysis().getRoutingCount()
          + " tasks, time scale " + e.getPlanAccepted().getTimeScale() + ")";
      case LEVEL_STARTED -> "level " + e.getLevelStarted().getLevel() + " started: "
          + e.getLevelStarted().getTasks() + " tasks on " + String.join(", ", e.getLevelStarted().getOrchestratorsList());
      case TASK_READY -> "task " + e.getTaskReady().getTaskId() + " ready";
      case TASK_DELEGATED -> "task " + e.getTaskDelegated().getTaskId() + " delegated to "
          + e.getTaskDelegated().getInstanceId() + " (attempt " + e.getTaskDelegated().getAttempt() + ", "
          + e.getTaskDelegated().getPolicy() + String.format(Locale.ROOT, " %.2f)", e.getTaskDelegated().getScore());
      case TASK_STARTED -> "task " + e.getTaskStarted().getTaskId() + " started on "
          + e.getTaskStarted().getInstanceId() + " by droid " + e.getTaskStarted().getDroid();
      case TASK_PROGRESS -> null;
      case TASK_SUCCEEDED -> "task " + e.getTaskSucceeded().getTaskId() + " succeeded (attempt "
          + e.getTaskSucceeded().getAttempt() + ")";
      case TASK_FAILED -> "task " + e.getTaskFailed().getTaskId() + " failed (attempt "
          + e.getTaskFailed().getAttempt() + "): " + ExitCodes.oneLine(e.getTaskFailed().getError())
          + (e.getTaskFailed().getWillRetry() ? "; will retry" : "");
      case TASK_RETRIED -> "task " + e.getTaskRetried().getTaskId() + " retried: attempt "
          + e.getTaskRetried().getAttempt() + " after " + e.getTaskRetried().getBackoffMs() + " ms";
      case TASK_CANCELLED -> "task " + e.getTaskCancelled().getTaskId() + " cancelled: " + e.getTaskCancelled().getReason();
      case TASK_SKIPPED -> "task " + e.getTaskSkipped().getTaskId() + " skipped: " + e.getTaskSkipped().getReason();
      case SYNC_POINT_REACHED -> "sync point '" + e.getSyncPointReached().getName() + "' reached by "
          + String.join(", ", e.getSyncPointReached().getParticipantsList());
      case SYNC_POINT_RELEASED -> "sync point '" + e.getSyncPointReleased().getName() + "' released after "
          + e.getSyncPointReleased().getResult().getDurationMs() + " ms" + released(e.getSyncPointReleased().getResult());
      case SYNC_POINT_CHECKED -> checked(e.getSyncPointChecked());
      case TASK_ADDED -> e.getTaskAdded().getConflictsCount() > 0
          && e.getTaskAdded().getConflicts(0).getCheck().equals("merge")
          ? "task " + e.getTaskAdded().getTask().getId() + " added on " + e.getTaskAdded().getTask().getOrchestrator()
              + " to resolve a merge conflict: " + ExitCodes.oneLine(e.getTaskAdded().getConflicts(0).getDescription())
          : "task " + e.getTaskAdded().getTask().getId() + " added on "
          + e.getTaskAdded().getTask().getOrchestrator() + " to remediate " + e.getTaskAdded().getConflictsCount()
          + " conflict(s) of sync point '" + e.getTaskAdded().getSyncPoint() + "'";
      case CHECKPOINT_TAKEN -> "checkpoint " + e.getCheckpointTaken().getCheckpoint().getId()
          + " taken before " + e.getCheckpointTaken().getCheckpoint().getTaskId();
      case CHECKPOINT_COMMITTED -> "checkpoint " + e.getCheckpointCommitted().getCheckpointId() + " committed";
      case CHECKPOINT_ROLLED_BACK -> "checkpoint " + e.getCheckpointRolledBack().getCheckpointId()
          + " rolled back (" + e.getCheckpointRolledBack().getTaskId() + "): " + e.getCheckpointRolledBack().getReason();
      case RECOVERY_PERFORMED -> "recovery " + e.getRecoveryPerformed().getResult().getRecoveryType()
          + " of " + e.getRecoveryPerformed().getResult().getFailedOrchestrator();
      case TASK_RESULT_IGNORED -> "late " + e.getTaskResultIgnored().getOutcome() + " of task "
          + e.getTaskResultIgnored().getTaskId() + " (attempt " + e.getTaskResultIgnored().getAttempt() + ") from "
          + e.getTaskResultIgnored().getInstanceId() + " ignored: " + e.getTaskResultIgnored().getReason();
      case PLAN_FINISHED -> "plan finished: " + state(e.getPlanFinished().getState())
          + (e.getPlanFinished().getReason().isEmpty() ? "" : " (" + e.getPlanFinished().getReason() + ")");
      case TASK_DROID_EVENTS -> null;
      case TASK_MERGED -> "task " + e.getTaskMerged().getTaskId() + " merged into the integration branch ("
          + e.getTaskMerged().getStrategy() + "): " + Lines.shortSha(e.getTaskMerged().getMergeCommit());
      case INTEGRATION_BRANCH_CREATED -> "integration branch " + e.getIntegrationBranchCreated().getBranch()
          + " created from " + e.getIntegrationBranchCreated().getBaseBranch() + " at "
          + Lines.shortSha(e.getIntegrationBranchCreated().getCommit());
      case INTEGRATION_BRANCH_RESET -> "integration branch " + e.getIntegrationBranchReset().getBranch()
          + " reset to " + Lines.shortSha(e.getIntegrationBranchReset().getToCommit()) + " (abandoned work kept at "
          + e.getIntegrationBranchReset().getPreservedRef() + ")";
      case KIND_NOT_SET -> "event " + e.getSequence();
    };
  }

  private static String released(dev.baton.v1.SyncResult r) {
    String rounds = r.getRounds() > 1 ? ", " + r.getRounds() + " rounds" : "";
    String resolved = r.getConflictsResolved() > 0 ? ", " + r.getConflictsResolved() + " conflict(s) resolved" : "";
    String open = r.getUnresolvedCount() > 0 ? ", " + r.getUnresolvedCount() + " unresolved" : "";
    String missing = r.getMissingCount() > 0 ? ", missing " + String.join(", ", r.getMissingList()) : "";
    return rounds + resolved + open + missing;
  }

  /** The check's outcome, then one indented line per conflict. */
  private static String checked(dev.baton.v1.SyncPointChecked c) {
    StringBuilder b = new StringBuilder("sync point '").append(c.getName()).append("' check round ")
        .append(c.getRound()).append(": ");
    if (c.getConflictsCount() == 0) {
      b.append("no conflicts");
    } else {
      b.append(c.getConflictsCount()).append(" conflict(s), ").append(c.getOutcome());
      if (c.getRemediationTasksCount() > 0) {
        b.append(" by ").append(String.join(", ", c.getRemediationTasksList()));
      }
    }
    for (dev.baton.v1.CrossOrchestratorConflict x : c.getConflictsList()) {
      b.append("\n      ").append(x.getCheck()).append(" [").append(String.join(" vs ", x.getPartiesList()))
          .append("] ").append(x.getLocation()).append(": ").append(ExitCodes.oneLine(x.getDescription()));
      if (!x.getMustChange().isEmpty()) {
        b.append(" -> ").append(x.getMustChange()).append(" changes (").append(x.getPolicy()).append(")");
      }
    }
    return b.toString();
  }

  /** PLAN_STATE_SUCCEEDED -> SUCCEEDED. */
  static String state(PlanState state) {
    return state.name().replaceFirst("^PLAN_STATE_", "");
  }

  static String shortEnum(Enum<?> value, String prefix) {
    return value.name().replaceFirst("^" + prefix, "");
  }
}
