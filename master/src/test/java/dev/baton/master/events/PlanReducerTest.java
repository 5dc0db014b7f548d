package dev.baton.master.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.v1.Checkpoint;
import dev.baton.v1.CheckpointRolledBack;
import dev.baton.v1.CheckpointStatus;
import dev.baton.v1.CheckpointTaken;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.Deliverable;
import dev.baton.v1.PlanAccepted;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SyncPointReleased;
import dev.baton.v1.SyncPointState;
import dev.baton.v1.SyncPointStatus;
import dev.baton.v1.SyncResult;
import dev.baton.v1.TaskDelegated;
import dev.baton.v1.TaskFailed;
import dev.baton.v1.TaskReady;
import dev.baton.v1.TaskStarted;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.TaskSucceeded;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PlanReducerTest {
  private final InMemoryPlanStore store =
      new InMemoryPlanStore(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  private void accept() {
    store.append(PlanEvent.newBuilder().setPlanId("p").setPlanAccepted(PlanAccepted.newBuilder()
        .setName("p").setStrategy("sequential_checkpointed").setTimeScale(0.5)
        .addTasks(TaskStatus.newBuilder().setId("a").setOrchestrator("backend").setState(TaskState.TASK_STATE_PENDING))
        .addTasks(TaskStatus.newBuilder().setId("b").setOrchestrator("backend").setState(TaskState.TASK_STATE_PENDING))
        .addSyncPoints(SyncPointStatus.newBuilder().setName("s").setState(SyncPointState.SYNC_POINT_STATE_WAITING)))
        .build());
  }

  private PlanStatus append(PlanEvent.Builder e) {
    store.append(e.setPlanId("p").build());
    return store.status("p").orElseThrow();
  }

  private static TaskStatus task(PlanStatus s, String id) {
    return s.getTasksList().stream().filter(t -> t.getId().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void acceptedPlanStartsWithPendingTasksAndRunsOnceATaskIsReady() {
    accept();
    PlanStatus s = store.status("p").orElseThrow();
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_ACCEPTED);
    assertThat(s.getTimeScale()).isEqualTo(0.5);
    assertThat(task(s, "a").getState()).isEqualTo(TaskState.TASK_STATE_PENDING);

    s = append(PlanEvent.newBuilder().setTaskReady(TaskReady.newBuilder().setTaskId("a")));
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_RUNNING);
    assertThat(task(s, "a").getState()).isEqualTo(TaskState.TASK_STATE_READY);
    assertThat(s.getLastSequence()).isEqualTo(2);
  }

  @Test
  void taskLifecycleRecordsAttemptInstanceResultAndTimes() {
    accept();
    append(PlanEvent.newBuilder().setTaskReady(TaskReady.newBuilder().setTaskId("a")));
    PlanStatus s = append(PlanEvent.newBuilder().setTaskDelegated(TaskDelegated.newBuilder().setTaskId("a")
        .setAttempt(1).setInstanceId("backend-1").setExecutionId("x1")));
    assertThat(task(s, "a").getState()).isEqualTo(TaskState.TASK_STATE_DELEGATED);
    assertThat(task(s, "a").getExecutionId()).isEqualTo("x1");
    s = append(PlanEvent.newBuilder().setTaskStarted(TaskStarted.newBuilder().setTaskId("a").setAttempt(1)
        .setInstanceId("backend-1").setDroid("api-droid")));
    assertThat(task(s, "a").getState()).isEqualTo(TaskState.TASK_STATE_RUNNING);
    assertThat(task(s, "a").getDroid()).isEqualTo("api-droid");
    assertThat(task(s, "a").hasStartedAt()).isTrue();
    s = append(PlanEvent.newBuilder().setTaskFailed(TaskFailed.newBuilder().setTaskId("a").setAttempt(1)
        .setError("boom").setWillRetry(true)));
    assertThat(task(s, "a").getState()).isEqualTo(TaskState.TASK_STATE_RETRY_WAIT);
    assertThat(task(s, "a").getLastError()).isEqualTo("boom");
    s = append(PlanEvent.newBuilder().setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId("a").setAttempt(2)
        .setResult(DelegationResult.newBuilder().addDeliverables(Deliverable.newBuilder().setName("api.yaml")))));
    assertThat(task(s, "a").getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(task(s, "a").getAttempt()).isEqualTo(2);
    assertThat(task(s, "a").getProgress()).isEqualTo(1.0);
    assertThat(task(s, "a").getResult().getDeliverables(0).getName()).isEqualTo("api.yaml");
  }

  @Test
  void rollbackRestoresTheCheckpointedStatesAndForgetsPartialResults() {
    accept();
    append(PlanEvent.newBuilder().setTaskReady(TaskReady.newBuilder().setTaskId("a")));
    append(PlanEvent.newBuilder().setCheckpointTaken(CheckpointTaken.newBuilder().setCheckpoint(Checkpoint.newBuilder()
        .setId("cp1").setTaskId("a").setStatus(CheckpointStatus.CHECKPOINT_STATUS_TAKEN)
        .putTaskStates("a", TaskState.TASK_STATE_READY).putTaskStates("b", TaskState.TASK_STATE_PENDING))));
    append(PlanEvent.newBuilder().setTaskDelegated(TaskDelegated.newBuilder().setTaskId("a").setAttempt(1)
        .setExecutionId("x1")));
    append(PlanEvent.newBuilder().setTaskStarted(TaskStarted.newBuilder().setTaskId("a").setAttempt(1)));
    // Something moved b meanwhile and a produced partial output: the rollback must undo both.
    append(PlanEvent.newBuilder().setTaskReady(TaskReady.newBuilder().setTaskId("b")));
    append(PlanEvent.newBuilder().setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId("a").setAttempt(1)
        .setResult(DelegationResult.newBuilder().addDeliverables(Deliverable.newBuilder().setName("half.yaml")))));

    PlanStatus s = append(PlanEvent.newBuilder().setCheckpointRolledBack(CheckpointRolledBack.newBuilder()
        .setCheckpointId("cp1").setTaskId("a").setReason("attempt failed")));

    assertThat(task(s, "a").getState()).isEqualTo(TaskState.TASK_STATE_READY);
    assertThat(task(s, "a").hasResult()).isFalse();
    assertThat(task(s, "a").getProgress()).isZero();
    assertThat(task(s, "a").getExecutionId()).isEmpty();
    assertThat(task(s, "b").getState()).isEqualTo(TaskState.TASK_STATE_PENDING);
    assertThat(s.getCheckpoints(0).getStatus()).isEqualTo(CheckpointStatus.CHECKPOINT_STATUS_ROLLED_BACK);
  }

  @Test
  void releasedSyncPointKeepsItsResultAndFinishedPlanItsReason() {
    accept();
    PlanStatus s = append(PlanEvent.newBuilder().setSyncPointReleased(SyncPointReleased.newBuilder().setName("s")
        .setResult(SyncResult.newBuilder().setSyncPoint("s").setParticipants(2))));
    assertThat(s.getSyncPoints(0).getState()).isEqualTo(SyncPointState.SYNC_POINT_STATE_RELEASED);
    assertThat(s.getSyncPoints(0).getResult().getParticipants()).isEqualTo(2);
    s = append(PlanEvent.newBuilder().setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_FAILED)
        .setReason("task 'a' failed")));
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_FAILED);
    assertThat(s.getReason()).isEqualTo("task 'a' failed");
    assertThat(s.hasFinishedAt()).isTrue();
  }

  @Test
  void refusesEventsBeforeAcceptanceAndAfterTheEnd() {
    assertThatThrownBy(() -> store.append(PlanEvent.newBuilder().setPlanId("p")
        .setTaskReady(TaskReady.newBuilder().setTaskId("a")).build()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no PlanAccepted");
    accept();
    append(PlanEvent.newBuilder().setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_CANCELLED)));
    assertThatThrownBy(() -> append(PlanEvent.newBuilder().setTaskReady(TaskReady.newBuilder().setTaskId("a"))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already finished");
  }
}
