package dev.baton.master.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.events.InMemoryPlanStore;
import dev.baton.master.events.PlanStore;
import dev.baton.master.plan.PlanCompiler;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.TaskState;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A master that stops mid-plan and another started on the same store (what a journal gives a
 * restarted master or a new leader): the plan resumes where it stood; running attempts are
 * re-attached, not delegated again; nothing succeeds twice; sequences stay gapless.
 */
class TakeOverTest {
  static final String PLAN = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata: {name: takeover}
      spec:
        retry: {maxRetries: 2, backoff: 1m}
        tasks:
          - {id: schema, description: Database schema, orchestrator: backend, estimate: 10m}
          - {id: api, description: API handlers, orchestrator: backend, estimate: 1m, dependsOn: [schema]}
          - {id: flaky, description: Flaky job, orchestrator: backend, estimate: 1m, simulate: {failFirstAttempts: 1}}
          - {id: docs, description: API docs, orchestrator: backend, estimate: 1m, dependsOn: [api, flaky]}
      """;

  private final PlanStore store = new InMemoryPlanStore(Clock.systemUTC());
  private MasterServer first;
  private MasterServer second;
  private FakeSubOrchestrator backend;
  private FakeSubOrchestrator spare;

  @AfterEach
  void stop() {
    if (backend != null) {
      backend.close();
    }
    if (spare != null) {
      spare.close();
    }
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  private MasterServer master(int port) {
    return MasterServer.start(MasterConfig.builder().port(port).store(store).instanceWait(Duration.ofSeconds(10))
        .gitPort(-1).build());
  }

  @Test
  void aPlanResumesOnANewMasterWithoutRunningAnyAttemptTwice() {
    first = master(0);
    int port = Integer.parseInt(first.address().substring(first.address().lastIndexOf(':') + 1));
    backend = FakeSubOrchestrator.start("backend-1", "backend", 4, first.address());
    // 10 plan minutes of schema at 0.002: 1.2 s; the flaky task's retry waits 1 plan minute (120 ms).
    String planId = first.submit(PlanCompiler.compileYaml(PLAN), 0.002);
    await().atMost(Duration.ofSeconds(20)).until(() -> state(planId, "schema") == TaskState.TASK_STATE_RUNNING
        && state(planId, "flaky") == TaskState.TASK_STATE_SUCCEEDED);

    first.close(); // the old master is gone; the instance keeps running schema
    first = null;
    second = master(port);
    backend.reconnect();

    await().atMost(Duration.ofSeconds(30)).until(() -> store.status(planId).orElseThrow().getState()
        == PlanState.PLAN_STATE_SUCCEEDED);
    List<PlanEvent> events = store.read(planId, 0);
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getSequence()).isEqualTo(i + 1L);
    }
    Map<String, Long> succeeded = events.stream().filter(PlanEvent::hasTaskSucceeded)
        .collect(Collectors.groupingBy(e -> e.getTaskSucceeded().getTaskId(), Collectors.counting()));
    assertThat(succeeded).containsExactlyInAnyOrderEntriesOf(Map.of("schema", 1L, "api", 1L, "flaky", 1L, "docs", 1L));
    // every attempt ran once on the instance: schema#1 was re-attached, not started again
    assertThat(backend.started()).doesNotHaveDuplicates()
        .containsExactlyInAnyOrder("schema#1", "flaky#1", "flaky#2", "api#1", "docs#1");
    // the schema attempt was journaled once, by the first master
    assertThat(events.stream().filter(e -> e.hasTaskDelegated() && e.getTaskDelegated().getTaskId().equals("schema")))
        .hasSize(1);
  }

  /**
   * The instance a resumed attempt ran on registers with the new master and then cannot be reached
   * (its listener is gone): re-attaching fails with UNAVAILABLE. That is the instance failing, not
   * the task: the attempt fails over to the other replica (RecoveryPerformed) and spends no retry.
   */
  @Test
  void aResumedAttemptWhoseInstanceIsUnreachableFailsOverInsteadOfSpendingARetry() {
    first = master(0);
    int port = Integer.parseInt(first.address().substring(first.address().lastIndexOf(':') + 1));
    backend = FakeSubOrchestrator.start("backend-1", "backend", 4, first.address());
    // 10 plan minutes of schema at 0.01: 6 s, longer than the first master takes to close.
    String planId = first.submit(PlanCompiler.compileYaml(PLAN), 0.01);
    await().atMost(Duration.ofSeconds(20)).until(() -> state(planId, "schema") == TaskState.TASK_STATE_RUNNING);

    first.close();
    first = null;
    second = master(port);
    spare = FakeSubOrchestrator.start("backend-2", "backend", 4, second.address());
    backend.shutdownServer(); // registered, heartbeating, but its Execute endpoint is gone
    backend.reconnect();

    await().atMost(Duration.ofSeconds(40)).until(() -> store.status(planId).orElseThrow().getState()
        == PlanState.PLAN_STATE_SUCCEEDED);
    List<PlanEvent> events = store.read(planId, 0);
    assertThat(events.stream().filter(e -> e.hasTaskFailed() && e.getTaskFailed().getTaskId().equals("schema")))
        .as("schema's attempt was not failed: its instance was").isEmpty();
    assertThat(events.stream().filter(PlanEvent::hasRecoveryPerformed)
        .map(e -> e.getRecoveryPerformed().getResult().getFailedOrchestrator()))
        .contains("backend-1");
    assertThat(spare.started()).anyMatch(s -> s.startsWith("schema#"));
    assertThat(events.stream().filter(e -> e.hasTaskSucceeded() && e.getTaskSucceeded().getTaskId().equals("schema")))
        .hasSize(1);
  }

  private TaskState state(String planId, String taskId) {
    return store.task(planId, taskId).map(t -> t.getState()).orElse(TaskState.TASK_STATE_UNSPECIFIED);
  }
}
