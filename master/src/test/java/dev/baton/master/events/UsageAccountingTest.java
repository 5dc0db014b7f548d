package dev.baton.master.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.v1.DelegationResult;
import dev.baton.v1.DroidEvent;
import dev.baton.v1.DroidMessage;
import dev.baton.v1.GitResult;
import dev.baton.v1.IntegrationBranchCreated;
import dev.baton.v1.PlanAccepted;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskDroidEvents;
import dev.baton.v1.TaskFailed;
import dev.baton.v1.TaskMerged;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.TaskSucceeded;
import dev.baton.v1.Usage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Usage summed per task and plan across attempts, droid events kept bounded, git state from events. */
class UsageAccountingTest {
  private final InMemoryPlanStore store =
      new InMemoryPlanStore(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  UsageAccountingTest() {
    store.append(PlanEvent.newBuilder().setPlanId("p").setPlanAccepted(PlanAccepted.newBuilder().setName("p")
        .addTasks(TaskStatus.newBuilder().setId("a").setState(TaskState.TASK_STATE_PENDING))
        .addTasks(TaskStatus.newBuilder().setId("b").setState(TaskState.TASK_STATE_PENDING))).build());
  }

  private PlanStatus append(PlanEvent.Builder e) {
    store.append(e.setPlanId("p").build());
    return store.status("p").orElseThrow();
  }

  private static Usage usage(long tokens, double usd) {
    return Usage.newBuilder().setInputTokens(tokens).setCostUsd(usd).setTurns(1).build();
  }

  private static TaskStatus task(PlanStatus s, String id) {
    return s.getTasksList().stream().filter(t -> t.getId().equals(id)).findFirst().orElseThrow();
  }

  private PlanStatus events(String task, int attempt, Usage total, String... texts) {
    TaskDroidEvents.Builder e = TaskDroidEvents.newBuilder().setTaskId(task).setAttempt(attempt).setUsage(total);
    for (String text : texts) {
      e.addEvents(DroidEvent.newBuilder().setMessage(DroidMessage.newBuilder().setText(text)));
    }
    return append(PlanEvent.newBuilder().setTaskDroidEvents(e));
  }

  @Test
  void runningTotalsAreChargedOnceAndAttemptsAddUp() {
    events("a", 1, usage(100, 0.01), "x");
    PlanStatus s = events("a", 1, usage(300, 0.03), "y");
    assertThat(task(s, "a").getUsage().getInputTokens()).isEqualTo(300);
    assertThat(s.getUsage().getCostUsd()).isEqualTo(0.03);

    s = append(PlanEvent.newBuilder().setTaskFailed(TaskFailed.newBuilder().setTaskId("a").setAttempt(1)
        .setWillRetry(true).setResult(DelegationResult.newBuilder().setUsage(usage(400, 0.04)))));
    assertThat(task(s, "a").getUsage().getInputTokens()).isEqualTo(400);
    assertThat(task(s, "a").hasAttemptUsage()).isFalse();

    events("a", 2, usage(50, 0.005), "z");
    events("b", 1, usage(1_000, 0.1));
    s = append(PlanEvent.newBuilder().setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId("a").setAttempt(2)
        .setResult(DelegationResult.newBuilder().setUsage(usage(60, 0.006)))));
    assertThat(task(s, "a").getUsage().getInputTokens()).isEqualTo(460);
    assertThat(task(s, "a").getUsage().getTurns()).isEqualTo(2);
    assertThat(s.getUsage().getInputTokens()).isEqualTo(1_460);
    assertThat(s.getUsage().getCostUsd()).isCloseTo(0.146, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(task(s, "a").getEventCount()).isEqualTo(3);
  }

  @Test
  void aCostTheRunnerReportsAtTheEndReplacesTheEstimatesOfTheRun() {
    // claude: estimated from the price table while it runs, its own figure in the result line.
    events("a", 1, usage(100, 0.01).toBuilder().setCostEstimated(true).build(), "x");
    PlanStatus s = events("a", 1, usage(300, 0.03).toBuilder().setCostEstimated(true).build(), "y");
    assertThat(task(s, "a").getUsage().getCostEstimated()).isTrue();
    assertThat(s.getUsage().getCostEstimated()).isTrue();
    s = append(PlanEvent.newBuilder().setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId("a").setAttempt(1)
        .setResult(DelegationResult.newBuilder().setUsage(usage(300, 0.025)))));
    assertThat(task(s, "a").getUsage().getCostEstimated()).isFalse();
    assertThat(task(s, "a").getUsage().getCostUsd()).isEqualTo(0.025);
    assertThat(s.getUsage().getCostEstimated()).isFalse();

    // Another task's estimated cost makes the plan's an estimate, whatever a's.
    events("b", 1, usage(10, 0.001).toBuilder().setCostEstimated(true).build());
    s = append(PlanEvent.newBuilder().setTaskFailed(TaskFailed.newBuilder().setTaskId("b").setAttempt(1)
        .setWillRetry(true).setResult(DelegationResult.newBuilder()
            .setUsage(usage(20, 0.002).toBuilder().setCostEstimated(true)))));
    assertThat(s.getUsage().getCostEstimated()).isTrue();
    // b's first attempt stays an estimate when its second reports its own cost.
    events("b", 2, usage(10, 0.001).toBuilder().setCostEstimated(true).build());
    s = append(PlanEvent.newBuilder().setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId("b").setAttempt(2)
        .setResult(DelegationResult.newBuilder().setUsage(usage(30, 0.003)))));
    assertThat(task(s, "b").getUsage().getCostEstimated()).isTrue();
    assertThat(task(s, "a").getUsage().getCostEstimated()).isFalse();
    assertThat(s.getUsage().getCostEstimated()).isTrue();
  }

  @Test
  void aTaskKeepsOnlyItsNewestEvents() {
    PlanStatus s = null;
    for (int i = 0; i < PlanReducer.MAX_RECENT_EVENTS + 5; i++) {
      s = events("a", 1, usage(i, 0), "m" + i);
    }
    assertThat(task(s, "a").getRecentEventsCount()).isEqualTo(PlanReducer.MAX_RECENT_EVENTS);
    assertThat(task(s, "a").getRecentEvents(0).getMessage().getText()).isEqualTo("m5");
    assertThat(task(s, "a").getEventCount()).isEqualTo(PlanReducer.MAX_RECENT_EVENTS + 5);
  }

  @Test
  void theIntegrationBranchFollowsItsEventsAndATaskKeepsItsCommitAndMerge() {
    append(PlanEvent.newBuilder().setIntegrationBranchCreated(IntegrationBranchCreated.newBuilder()
        .setBranch("baton/p").setBaseBranch("main").setCommit("c0").setUrl("http://m/repo.git")));
    append(PlanEvent.newBuilder().setTaskMerged(TaskMerged.newBuilder().setTaskId("a").setAttempt(1)
        .setCommit("t1").setMergeCommit("m1").setStrategy("merge")));
    PlanStatus s = append(PlanEvent.newBuilder().setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId("a")
        .setAttempt(1).setResult(DelegationResult.newBuilder().setGit(GitResult.newBuilder()
            .setCommit("t1").setTaskBranch("baton/p/a").setInsertions(12)))));
    assertThat(s.getIntegrationBranch()).isEqualTo("baton/p");
    assertThat(s.getIntegrationCommit()).isEqualTo("m1");
    assertThat(s.getRepositoryUrl()).isEqualTo("http://m/repo.git");
    assertThat(task(s, "a").getGit().getMergeCommit()).isEqualTo("m1");
    assertThat(task(s, "a").getGit().getInsertions()).isEqualTo(12);
  }
}
