package dev.baton.master.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.events.InMemoryPlanStore;
import dev.baton.master.events.PlanStore;
import dev.baton.master.testing.ManualClock;
import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.PlanAccepted;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.SyncPointChecked;
import dev.baton.v1.SyncPointReleased;
import dev.baton.v1.SyncResult;
import dev.baton.v1.TaskDelegated;
import dev.baton.v1.TaskDroidEvents;
import dev.baton.v1.TaskFailed;
import dev.baton.v1.TaskReady;
import dev.baton.v1.TaskStarted;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.TaskSucceeded;
import dev.baton.v1.Usage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The master's event-derived series on a manual clock: every figure follows from the events' times. */
class PlanEventMetersTest {
  private final ManualClock clock = ManualClock.create();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final InMemoryPlanStore memory = new InMemoryPlanStore(clock);
  private final PlanStore store = new ObservedPlanStore(memory, new PlanEventMeters(registry, memory)::onEvent);

  private void append(PlanEvent.Builder e) {
    store.append(e.setPlanId("p").build());
  }

  private void accept() {
    append(PlanEvent.newBuilder().setPlanAccepted(PlanAccepted.newBuilder().setName("p").setStrategy("parallel")
        .addTasks(TaskStatus.newBuilder().setId("api").setOrchestrator("backend").setState(TaskState.TASK_STATE_PENDING))
        .addTasks(TaskStatus.newBuilder().setId("ui").setOrchestrator("frontend").setState(TaskState.TASK_STATE_PENDING))));
  }

  private double tasks(String domain, String state) {
    var g = registry.find("baton_tasks").tag("domain", domain).tag("state", state).gauge();
    return g == null ? 0 : g.value();
  }

  private double transitions(String domain, String state) {
    var c = registry.find("baton.task.transitions").tag("domain", domain).tag("state", state).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void gaugesFollowEachTaskAndEmptyWhenThePlanEnds() {
    accept();
    assertThat(tasks("backend", "pending")).isEqualTo(1);
    assertThat(tasks("frontend", "pending")).isEqualTo(1);
    append(PlanEvent.newBuilder().setTaskReady(TaskReady.newBuilder().setTaskId("api")));
    append(PlanEvent.newBuilder().setTaskDelegated(TaskDelegated.newBuilder().setTaskId("api").setAttempt(1).setInstanceId("b-1")));
    append(PlanEvent.newBuilder().setTaskStarted(TaskStarted.newBuilder().setTaskId("api").setAttempt(1).setInstanceId("b-1")));
    assertThat(tasks("backend", "running")).isEqualTo(1);
    assertThat(tasks("backend", "pending")).isZero();
    assertThat(transitions("backend", "ready")).isEqualTo(1);
    assertThat(transitions("backend", "delegated")).isEqualTo(1);

    append(PlanEvent.newBuilder().setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId("api").setAttempt(1)
        .setInstanceId("b-1").setResult(DelegationResult.newBuilder().setStatus(DelegationStatus.DELEGATION_STATUS_SUCCEEDED))));
    assertThat(tasks("backend", "succeeded")).isEqualTo(1);
    assertThat(transitions("backend", "succeeded")).isEqualTo(1);

    append(PlanEvent.newBuilder().setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_FAILED)));
    assertThat(tasks("backend", "succeeded")).as("only tasks of running plans").isZero();
    assertThat(tasks("frontend", "pending")).isZero();
    assertThat(registry.find("baton.plans.finished").tag("state", "failed").counter().count()).isEqualTo(1);
  }

  @Test
  void delegationLatencyIsTimedFromTheEventsTimes() {
    accept();
    append(PlanEvent.newBuilder().setTaskReady(TaskReady.newBuilder().setTaskId("api")));
    append(PlanEvent.newBuilder().setTaskDelegated(TaskDelegated.newBuilder().setTaskId("api").setAttempt(1).setInstanceId("b-1")));
    clock.advance(Duration.ofMillis(250));
    append(PlanEvent.newBuilder().setTaskStarted(TaskStarted.newBuilder().setTaskId("api").setAttempt(1).setInstanceId("b-1")));
    clock.advance(Duration.ofSeconds(10));
    append(PlanEvent.newBuilder().setTaskFailed(TaskFailed.newBuilder().setTaskId("api").setAttempt(1).setInstanceId("b-1")
        .setWillRetry(true).setError("boom")));

    var accepted = registry.find("baton.delegation.latency").tag("domain", "backend").tag("phase", "accepted").timer();
    var result = registry.find("baton.delegation.latency").tag("domain", "backend").tag("phase", "result").timer();
    assertThat(accepted.count()).isEqualTo(1);
    assertThat(accepted.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
    assertThat(result.count()).isEqualTo(1);
    assertThat(result.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(10_250);
    assertThat(tasks("backend", "retry_wait")).isEqualTo(1);
  }

  @Test
  void droidUsageCountsRunningTotalsOnceAndNeverShrinks() {
    accept();
    append(PlanEvent.newBuilder().setTaskReady(TaskReady.newBuilder().setTaskId("api")));
    append(PlanEvent.newBuilder().setTaskDelegated(TaskDelegated.newBuilder().setTaskId("api").setAttempt(1).setInstanceId("b-1")));
    append(PlanEvent.newBuilder().setTaskDroidEvents(TaskDroidEvents.newBuilder().setTaskId("api").setAttempt(1)
        .setUsage(Usage.newBuilder().setInputTokens(100).setOutputTokens(10).setCostUsd(0.5))));
    append(PlanEvent.newBuilder().setTaskDroidEvents(TaskDroidEvents.newBuilder().setTaskId("api").setAttempt(1)
        .setUsage(Usage.newBuilder().setInputTokens(300).setOutputTokens(30).setCacheReadTokens(7).setCostUsd(1.25))));
    append(PlanEvent.newBuilder().setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId("api").setAttempt(1)
        .setInstanceId("b-1").setResult(DelegationResult.newBuilder().setStatus(DelegationStatus.DELEGATION_STATUS_SUCCEEDED)
            .setUsage(Usage.newBuilder().setInputTokens(400).setOutputTokens(40).setCacheReadTokens(7).setCostUsd(1.5)))));

    assertThat(registry.find("baton.droid.tokens").tag("domain", "backend").tag("kind", "input").counter().count()).isEqualTo(400);
    assertThat(registry.find("baton.droid.tokens").tag("kind", "output").counter().count()).isEqualTo(40);
    assertThat(registry.find("baton.droid.tokens").tag("kind", "cache_read").counter().count()).isEqualTo(7);
    assertThat(registry.find("baton.droid.cost.usd").tag("domain", "backend").counter().count()).isEqualTo(1.5);
    assertThat(memory.status("p").orElseThrow().getUsage().getInputTokens()).as("the reducer agrees").isEqualTo(400);
  }

  @Test
  void syncPointsAndConflictsAreCountedByModeAndCheck() {
    accept();
    append(PlanEvent.newBuilder().setSyncPointChecked(SyncPointChecked.newBuilder().setName("s").setRound(1)
        .addConflicts(CrossOrchestratorConflict.newBuilder().setCheck("api-contract"))
        .addConflicts(CrossOrchestratorConflict.newBuilder().setCheck("api-contract"))
        .addConflicts(CrossOrchestratorConflict.newBuilder().setCheck("schema"))));
    append(PlanEvent.newBuilder().setSyncPointReleased(SyncPointReleased.newBuilder().setName("s")
        .setResult(SyncResult.newBuilder().setSyncPoint("s").setDurationMs(1500).setMode("barrier"))));

    assertThat(registry.find("baton.conflicts").tag("check", "api-contract").counter().count()).isEqualTo(2);
    assertThat(registry.find("baton.conflicts").tag("check", "schema").counter().count()).isEqualTo(1);
    var sync = registry.find("baton.sync.point.duration").tag("mode", "barrier").timer();
    assertThat(sync.count()).isEqualTo(1);
    assertThat(sync.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500);
  }

  @Test
  void aPlanTakenOverIsLearntFromItsStatus() {
    // Events appended before this master observed the store (another master's), then one more here.
    memory.append(PlanEvent.newBuilder().setPlanId("p").setPlanAccepted(PlanAccepted.newBuilder().setName("p")
        .addTasks(TaskStatus.newBuilder().setId("api").setOrchestrator("backend").setState(TaskState.TASK_STATE_PENDING))).build());
    memory.append(PlanEvent.newBuilder().setPlanId("p").setTaskReady(TaskReady.newBuilder().setTaskId("api")).build());
    append(PlanEvent.newBuilder().setTaskDelegated(TaskDelegated.newBuilder().setTaskId("api").setAttempt(1).setInstanceId("b-1")));
    assertThat(tasks("backend", "delegated")).isEqualTo(1);
    assertThat(tasks("backend", "ready")).isZero();
  }

  @Test
  void stateWordsAreLowerCaseWithoutThePrefix() {
    assertThat(PlanEventMeters.word("TASK_STATE_RETRY_WAIT", "TASK_STATE_")).isEqualTo("retry_wait");
    assertThat(PlanEventMeters.word("PLAN_STATE_DEGRADED", "PLAN_STATE_")).isEqualTo("degraded");
  }
}
