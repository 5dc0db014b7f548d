package dev.baton.master.delegation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.plan.PlanCompiler;
import dev.baton.master.plan.PlanModel;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.GitResult;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RealWorkTest {
  static final String PLAN = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata: {name: todo}
      spec:
        runner: claude
        repository: {url: "http://127.0.0.1:9/todo.git", baseBranch: trunk, merge: rebase, setup: {copy: [.env], command: npm ci}}
        budget: {usd: 10, tokens: 1000000}
        tasks:
          - id: api
            description: Todo REST API
            orchestrator: backend
            estimate: 2h
          - id: ui
            description: Todo page
            orchestrator: frontend
            estimate: 5m
            dependsOn: [api]
            verify: npm test
            publishes: {api_contract: web/api-usage.yaml}
            budget: {usd: 2, turns: 40, wall: 20m}
      """;

  private final PlanModel.Plan plan = PlanCompiler.compileYaml(PLAN);

  @Test
  void aRealTaskGetsItsRunnerBudgetVerifyDocumentsAndCheckout() {
    PlanStatus status = PlanStatus.newBuilder().setIntegrationCommit("abc123")
        .setUsage(Usage.newBuilder().setCostUsd(9.5).setInputTokens(10_000)).build();
    Map<String, TaskStatus> tasks = Map.of(
        "api", TaskStatus.newBuilder().setId("api").setGit(GitResult.newBuilder().setCommit("c-api")).build(),
        "ui", TaskStatus.newBuilder().setId("ui").setLastError("verify `npm test` exited with 1")
            .setResult(DelegationResult.newBuilder().setSessionId("s-1").setOutputTail("1 failing")).build());

    DelegationPackage p = PackageBuilder.build("todo-1", plan, plan.task("ui"), 2, 1.0, tasks,
        Instant.parse("2026-01-01T00:00:00Z"), status);

    assertThat(p.getRunner()).isEqualTo("claude");
    assertThat(p.getVerify()).isEqualTo("npm test");
    assertThat(p.getPublishesMap()).containsEntry("api_contract", "web/api-usage.yaml");
    assertThat(p.getBudget().getUsd()).isEqualTo(0.5); // the plan has $0.50 left, less than the task's $2
    assertThat(p.getBudget().getTokens()).isEqualTo(990_000);
    assertThat(p.getBudget().getTurns()).isEqualTo(40);
    assertThat(p.getBudget().getWallMillis()).isEqualTo(Duration.ofMinutes(20).toMillis());
    assertThat(p.getRepository().getBaseCommit()).isEqualTo("abc123");
    assertThat(p.getRepository().getTaskBranch()).isEqualTo("baton/todo-1/tasks/ui");
    assertThat(p.getRepository().getIntegrationBranch()).isEqualTo("baton/todo-1/integration");
    assertThat(p.getRepository().getSetup().getCopyFilesList()).containsExactly(".env");
    assertThat(p.getRepository().getSetup().getCommand()).isEqualTo("npm ci");
    assertThat(p.getDependencyCommitsMap()).containsEntry("api", "c-api");
    assertThat(p.getResumeSessionId()).isEqualTo("s-1");
    assertThat(p.getPreviousAttemptOutput()).contains("exited with 1", "1 failing");
  }

  @Test
  void aRealAttemptIsGivenItsWallBudgetOrItsEstimateInRealTime() {
    assertThat(PackageBuilder.attemptBudget(plan, plan.task("ui"), 0.001)).isEqualTo(Duration.ofMinutes(21));
    assertThat(PackageBuilder.attemptBudget(plan, plan.task("api"), 0.001)).isEqualTo(Duration.ofHours(6).plusMinutes(1));
  }

  @Test
  void theRealFieldsSurviveTheRoundTripThroughTheProto() {
    dev.baton.v1.Plan proto = dev.baton.master.plan.PlanProtos.toProto(plan);
    assertThat(proto.getSpec().getRepository().getMerge()).isEqualTo("rebase");
    assertThat(proto.getSpec().getRepository().getBaseBranch()).isEqualTo("trunk");
    assertThat(dev.baton.master.plan.PlanProtos.toProto(PlanCompiler.compile(proto))).isEqualTo(proto);
  }
}
