package dev.baton.master.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.plan.PlanCompiler;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.v1.DroidEvent;
import dev.baton.v1.DroidMessage;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.Usage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Droid events and usage reach the plan; crossing the plan's budget stops every agent and fails the plan naming it. */
class PlanBudgetTest {
  static final String PLAN = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata: {name: spend}
      spec:
        runner: claude
        budget: {usd: 1.0}
        tasks:
          - {id: api, description: API handler, orchestrator: backend, estimate: 1m, simulate: {hang: true}}
          - {id: schema, description: Database schema, orchestrator: backend, estimate: 1m, simulate: {hang: true}}
      """;

  private MasterServer master;
  private FakeSubOrchestrator backend;

  @BeforeEach
  void start() {
    master = MasterServer.start(MasterConfig.builder().instanceWait(Duration.ofSeconds(5)).gitPort(-1).build());
    backend = FakeSubOrchestrator.start("backend-1", "backend", 4, master.address());
  }

  @AfterEach
  void stop() {
    backend.close();
    master.close();
  }

  private static Usage usd(double usd, long tokens) {
    return Usage.newBuilder().setCostUsd(usd).setInputTokens(tokens).setTurns(1).build();
  }

  private static DroidEvent say(String text) {
    return DroidEvent.newBuilder().setIndex(1).setMessage(DroidMessage.newBuilder().setRole("assistant").setText(text)).build();
  }

  @Test
  void usageIsSummedAndThePlanBudgetStopsTheAgentsAndNamesTheBudget() {
    String planId = master.submit(PlanCompiler.compileYaml(PLAN), 1.0);
    await().atMost(Duration.ofSeconds(20)).until(() -> backend.started().containsAll(List.of("api#1", "schema#1")));
    await().atMost(Duration.ofSeconds(20)).until(() -> status(planId).getTasksList().stream()
        .allMatch(t -> t.getState() == dev.baton.v1.TaskState.TASK_STATE_RUNNING));

    backend.emit("api", usd(0.4, 1_000), say("reading the schema"));
    await().atMost(Duration.ofSeconds(10)).until(() -> status(planId).getUsage().getCostUsd() == 0.4);
    PlanStatus mid = status(planId);
    assertThat(mid.getState()).isEqualTo(PlanState.PLAN_STATE_RUNNING);
    var api = mid.getTasksList().stream().filter(t -> t.getId().equals("api")).findFirst().orElseThrow();
    assertThat(api.getRecentEventsList()).extracting(e -> e.getMessage().getText()).containsExactly("reading the schema");
    assertThat(api.getUsage().getInputTokens()).isEqualTo(1_000);
    // the delegation carried the plan's runner and what the budget had left
    assertThat(backend.packages).allMatch(p -> p.getRunner().equals("claude") && p.getBudget().getUsd() == 1.0);

    backend.emit("schema", usd(0.7, 2_000), say("writing migrations"));
    await().atMost(Duration.ofSeconds(10)).until(() -> status(planId).getState() == PlanState.PLAN_STATE_FAILED);
    PlanStatus end = status(planId);
    assertThat(end.getReason()).contains("budget exceeded: $1.1000 > $1.0000 (plan budget)");
    assertThat(end.getUsage().getCostUsd()).isEqualTo(1.1, org.assertj.core.data.Offset.offset(1e-9));
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.cancelled.size() == 2);
    List<PlanEvent> events = master.store().read(planId, 0);
    assertThat(events.stream().filter(PlanEvent::hasTaskDroidEvents).count()).isEqualTo(2);
  }

  private PlanStatus status(String planId) {
    return master.store().status(planId).orElseThrow();
  }
}
