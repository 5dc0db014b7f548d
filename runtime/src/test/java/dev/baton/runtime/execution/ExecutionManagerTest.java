package dev.baton.runtime.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.server.BatonException;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.Priority;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExecutionManagerTest {
  private final ManualDroids droids = new ManualDroids();
  private final ExecutorService callbacks = Executors.newSingleThreadExecutor();
  private ExecutionManager manager = manager(2);

  private ExecutionManager manager(int max) {
    Map<String, List<String>> expertise = new LinkedHashMap<>();
    expertise.put("generalist", List.of());
    expertise.put("db", List.of("database"));
    return new ExecutionManager(ExecutionManager.Settings.of("backend-orchestrator-test", max),
        Clock.systemUTC(), new DroidSelector(expertise),
        Map.of(ExecutionManager.SIM, droids, ExecutionManager.COMMAND, droids), callbacks);
  }

  @AfterEach
  void stop() {
    manager.close();
    callbacks.shutdownNow();
  }

  private static DelegationPackage task(String id, Priority priority) {
    return DelegationPackage.newBuilder().setPlanId("shop").setTaskId(id).setAttempt(1)
        .setTaskDescription(id).setPriority(priority).build();
  }

  private static DelegationPackage task(String id) {
    return task(id, Priority.PRIORITY_MEDIUM);
  }

  /** Records a watcher's updates and whether it ended. */
  static final class Recorder implements ExecutionWatcher {
    final List<ExecutionUpdate> updates = new CopyOnWriteArrayList<>();
    final AtomicBoolean ended = new AtomicBoolean();

    @Override
    public void onUpdate(ExecutionUpdate update) {
      assertThat(ended).isFalse();
      updates.add(update);
    }

    @Override
    public void onEnd() {
      ended.set(true);
    }

    List<ExecutionState> states() {
      return updates.stream().map(ExecutionUpdate::getState).distinct().toList();
    }
  }

  @Test
  void aRepeatedDelegateReturnsTheSameExecution() {
    Admission first = manager.delegate(task("cart-api"));
    Admission again = manager.delegate(task("cart-api"));
    Admission retry = manager.delegate(task("cart-api").toBuilder().setAttempt(2).build());

    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.executionId()).isEqualTo(first.executionId());
    assertThat(retry.created()).isTrue();
    assertThat(retry.executionId()).isNotEqualTo(first.executionId());
    assertThat(droids.started).containsExactly("cart-api", "cart-api");
  }

  @Test
  void picksTheDroidByExpertise() {
    manager.delegate(task("database schema"));

    assertThat(manager.current(manager.delegate(task("database schema")).executionId()).getDroid()).isEqualTo("db");
  }

  @Test
  void refusesAPackageWithoutAttemptNamingTheField() {
    assertThatThrownBy(() -> manager.delegate(task("x").toBuilder().setAttempt(0).build()))
        .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("package.attempt: 0 (expected: >= 1");
  }

  @Test
  void neverRunsMoreThanMaxConcurrentTasksAndQueuesTheRestWithPositions() {
    List<Admission> admissions = List.of("a", "b", "c", "d", "e").stream().map(id -> manager.delegate(task(id))).toList();

    assertThat(admissions).extracting(Admission::state).containsExactly(
        ExecutionState.EXECUTION_STATE_RUNNING, ExecutionState.EXECUTION_STATE_RUNNING,
        ExecutionState.EXECUTION_STATE_QUEUED, ExecutionState.EXECUTION_STATE_QUEUED, ExecutionState.EXECUTION_STATE_QUEUED);
    assertThat(admissions).extracting(Admission::queuePosition).containsExactly(0, 0, 1, 2, 3);
    assertThat(manager.load()).extracting(LoadMetrics::getCurrentTasks, LoadMetrics::getQueueLength).containsExactly(2, 3);

    Recorder lastInQueue = new Recorder();
    manager.watch(admissions.get(4).executionId(), lastInQueue);
    droids.run("a").succeed();
    await().until(() -> droids.started.size() == 3);
    assertThat(manager.current(admissions.get(4).executionId()).getQueuePosition()).isEqualTo(2);

    for (String id : List.of("b", "c", "d", "e")) {
      await().until(() -> droids.run(id) != null);
      droids.run(id).succeed();
    }
    await().until(() -> manager.load().getCompletedTasks() == 5);

    assertThat(droids.peak).hasValue(2);
    assertThat(droids.started).containsExactly("a", "b", "c", "d", "e");
    assertThat(lastInQueue.updates).extracting(ExecutionUpdate::getQueuePosition).startsWith(3, 2, 1, 0);
    assertThat(lastInQueue.states()).containsExactly(
        ExecutionState.EXECUTION_STATE_QUEUED, ExecutionState.EXECUTION_STATE_RUNNING, ExecutionState.EXECUTION_STATE_SUCCEEDED);
    assertThat(manager.load()).extracting(LoadMetrics::getCurrentTasks, LoadMetrics::getQueueLength).containsExactly(0, 0);
  }

  @Test
  void dequeuesByPriorityThenArrival() {
    manager = manager(1);
    manager.delegate(task("running"));
    manager.delegate(task("low", Priority.PRIORITY_LOW));
    manager.delegate(task("medium-1", Priority.PRIORITY_UNSPECIFIED));
    Admission critical = manager.delegate(task("critical", Priority.PRIORITY_CRITICAL));
    manager.delegate(task("medium-2", Priority.PRIORITY_MEDIUM));
    manager.delegate(task("high", Priority.PRIORITY_HIGH));

    assertThat(critical.queuePosition()).isEqualTo(1);
    for (String id : List.of("running", "critical", "high", "medium-1", "medium-2", "low")) {
      await().until(() -> droids.run(id) != null);
      droids.run(id).succeed();
    }

    assertThat(droids.started).containsExactly("running", "critical", "high", "medium-1", "medium-2", "low");
    assertThat(droids.peak).hasValue(1);
  }

  @Test
  void watchersSeeCurrentStateFirstThenEachChangeInOrderAndLateJoinersTheEnd() {
    Admission admission = manager.delegate(task("cart-api"));
    Recorder early = new Recorder();
    Recorder second = new Recorder();
    manager.watch(admission.executionId(), early);
    droids.run("cart-api").progress.progress(0.5, "half way");
    manager.watch(admission.executionId(), second);
    droids.run("cart-api").progress.progress(0.75, "nearly");
    droids.run("cart-api").succeed();
    await().until(() -> early.ended.get() && second.ended.get());

    assertThat(early.updates).extracting(ExecutionUpdate::getProgress).containsExactly(0.0, 0.5, 0.75, 1.0);
    assertThat(early.updates).extracting(ExecutionUpdate::getMessage).containsSubsequence("half way", "nearly", "done");
    assertThat(second.updates).extracting(ExecutionUpdate::getProgress).containsExactly(0.5, 0.75, 1.0);
    ExecutionUpdate last = early.updates.get(early.updates.size() - 1);
    assertThat(last.getResult().getStatus()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(last.getResult().getExecutionId()).isEqualTo(admission.executionId());
    assertThat(last.getInstanceId()).isEqualTo("backend-orchestrator-test");

    Recorder late = new Recorder();
    manager.watch(admission.executionId(), late);
    assertThat(late.updates).containsExactly(last);
    assertThat(late.ended).isTrue();
  }

  @Test
  void cancelStopsQueuedAndRunningWorkAndIsIdempotent() {
    manager = manager(1);
    Admission running = manager.delegate(task("running"));
    Admission queued = manager.delegate(task("queued"));
    Admission next = manager.delegate(task("next"));

    assertThat(manager.cancel(queued.executionId(), "not needed")).isEqualTo(ExecutionState.EXECUTION_STATE_CANCELLED);
    assertThat(manager.current(next.executionId()).getQueuePosition()).isEqualTo(1);
    assertThat(manager.cancel(running.executionId(), "plan cancelled")).isEqualTo(ExecutionState.EXECUTION_STATE_CANCELLED);
    assertThat(droids.run("running").cancelledWith).isEqualTo("plan cancelled");
    assertThat(manager.cancel(running.executionId(), "again")).isEqualTo(ExecutionState.EXECUTION_STATE_CANCELLED);

    await().until(() -> droids.run("next") != null);
    assertThat(droids.started).containsExactly("running", "next");
    assertThat(manager.current(queued.executionId()).getResult().getStatus())
        .isEqualTo(DelegationStatus.DELEGATION_STATUS_CANCELLED);
    assertThatThrownBy(() -> manager.cancel("nope", ""))
        .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void loadReportsRecentFailureRateAndCounts() {
    for (String id : List.of("a", "b")) {
      manager.delegate(task(id));
    }
    droids.run("a").succeed();
    droids.run("b").fail("boom");
    await().until(() -> manager.load().getFailedTasks() == 1 && manager.load().getCompletedTasks() == 1);

    assertThat(manager.load().getRecentFailureRate()).isEqualTo(0.5);
    assertThat(manager.finishedTasks("shop")).extracting(FinishedTask::taskId).containsExactly("a");
  }

  @Test
  void finishedExecutionsAreKeptOnlyUpToTheBound() {
    Map<String, List<String>> expertise = Map.of("generalist", List.of());
    manager = new ExecutionManager(
        new ExecutionManager.Settings("i", 5, Duration.ofHours(1), 2, Duration.ofMinutes(1)),
        Clock.systemUTC(), new DroidSelector(expertise),
        Map.of(ExecutionManager.SIM, droids, ExecutionManager.COMMAND, droids), callbacks);
    List<String> ids = new java.util.ArrayList<>();
    for (String id : List.of("a", "b", "c")) {
      ids.add(manager.delegate(task(id)).executionId());
      droids.run(id).succeed();
      await().until(() -> manager.current(ids.get(ids.size() - 1)).getState() == ExecutionState.EXECUTION_STATE_SUCCEEDED);
    }
    manager.delegate(task("d"));

    assertThatThrownBy(() -> manager.current(ids.get(0))).isInstanceOf(BatonException.class);
    assertThat(manager.current(ids.get(2)).getState()).isEqualTo(ExecutionState.EXECUTION_STATE_SUCCEEDED);
  }
}
