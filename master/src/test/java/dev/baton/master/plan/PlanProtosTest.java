package dev.baton.master.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.v1.PlanAnalysis;
import dev.baton.v1.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PlanProtosTest {
  static final String MINIMAL = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata: {name: minimal}
      spec:
        tasks:
          - id: cache
            description: Redis caching layer
            estimate: 90m
          - id: ui
            description: Product catalog UI
            orchestrator: frontend
            estimate: 90s
            dependsOn: [cache]
            simulate: {failFirstAttempts: 2, documents: {openapi.yaml: "openapi: 3.0.0"}}
      """;

  @Test
  void normalisedProtoFillsDefaultsAndRoutedDomains() {
    dev.baton.v1.Plan proto = PlanProtos.toProto(PlanCompiler.compileYaml(MINIMAL));

    assertThat(proto.getSpec().getStrategy()).isEqualTo("parallel");
    assertThat(proto.getSpec().getSynchronization()).isEqualTo("tight");
    assertThat(proto.getSpec().getFailureHandling()).isEqualTo("failover");
    assertThat(proto.getSpec().getDelegationPolicy()).isEqualTo("score");
    assertThat(proto.getSpec().getRetry().getMaxRetries()).isEqualTo(2);
    assertThat(proto.getSpec().getRetry().getBackoff()).isEqualTo("5s");
    TaskSpec cache = proto.getSpec().getTasks(0);
    assertThat(cache.getOrchestrator()).isEqualTo("devops");
    assertThat(cache.getEstimate()).isEqualTo("1h30m");
    assertThat(cache.getPriority()).isEqualTo("medium");
    assertThat(cache.getTimeout()).isEqualTo("30m");
    assertThat(cache.hasSimulate()).isFalse();
    TaskSpec ui = proto.getSpec().getTasks(1);
    assertThat(ui.getEstimate()).isEqualTo("1m30s");
    assertThat(ui.getSimulate().getFailFirstAttempts()).isEqualTo(2);
    assertThat(ui.getSimulate().getDocumentsMap()).containsEntry("openapi.yaml", "openapi: 3.0.0");
  }

  @Test
  void normalisedProtoCompilesToTheSamePlan() throws IOException {
    PlanModel.Plan plan = PlanCompiler.compileYaml(Files.readString(Path.of("../examples/ecommerce.yaml")));
    dev.baton.v1.Plan proto = PlanProtos.toProto(plan);

    PlanModel.Plan again = PlanCompiler.compile(proto);

    assertThat(PlanProtos.toProto(again)).isEqualTo(proto);
    assertThat(again.analysis()).isEqualTo(plan.analysis());
  }

  @Test
  void analysisCarriesRoutingForEveryTaskAndTheAssignments() {
    PlanAnalysis a = PlanProtos.analysisToProto(PlanCompiler.compileYaml(MINIMAL));

    assertThat(a.getRoutingList()).hasSize(2);
    assertThat(a.getRouting(0).getTaskId()).isEqualTo("cache");
    assertThat(a.getRouting(0).getOrchestrator()).isEqualTo("devops");
    assertThat(a.getRouting(0).getExplicit()).isFalse();
    assertThat(a.getRouting(0).getReason()).isEqualTo("routed to devops: matched 'caching layer', 'redis' (score 1.00)");
    assertThat(a.getRouting(1).getReason()).isEqualTo("named by the plan");
    assertThat(a.getRouting(1).getExplicit()).isTrue();
    assertThat(a.getAssignmentsList()).extracting(
            dev.baton.v1.OrchestratorTaskAssignment::getOrchestratorId,
            dev.baton.v1.OrchestratorTaskAssignment::getEstimatedDurationMinutes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("frontend-orchestrator", 1.5),
            org.assertj.core.groups.Tuple.tuple("devops-orchestrator", 90.0));
    assertThat(a.getAssignments(0).getDependenciesList()).containsExactly("devops");
    assertThat(a.getLevelsList()).hasSize(2);
    assertThat(a.getCriticalPathList()).containsExactly("cache", "ui");
    assertThat(a.getCriticalPathMinutes()).isEqualTo(91.5);
    assertThat(a.getSequentialMinutes()).isEqualTo(91.5);
    assertThat(a.getEstimatedMakespanMinutes()).isEqualTo(91.5);
  }

  @Test
  void parseYamlKeepsThePlanAsWritten() {
    dev.baton.v1.Plan proto = PlanCompiler.parseYaml(MINIMAL);

    assertThat(proto.getSpec().getStrategy()).isEmpty();
    assertThat(proto.getSpec().getTasks(0).getOrchestrator()).isEmpty();
    assertThat(proto.getSpec().getTasks(1).getDependsOnList()).containsExactly("cache");
  }

  @Test
  void yamlAnchorsOnListsAndMappingsAreExpanded() {
    PlanModel.Plan plan = PlanCompiler.compileYaml("""
        apiVersion: baton.dev/v1
        kind: Plan
        metadata: {name: aliases}
        spec:
          tasks:
            - {id: a, description: Product API design, estimate: 30m, requirements: &r [OpenAPI 3],
               simulate: &s {failFirstAttempts: 1}}
            - {id: b, description: Order service, estimate: 20m, requirements: *r, simulate: *s}
        """);

    assertThat(plan.task("b").requirements()).containsExactly("OpenAPI 3");
    assertThat(plan.task("b").simulation().failFirstAttempts()).isEqualTo(1);
  }

  @Test
  void yamlAliasOfASingleValueIsRefusedClearly() {
    assertThatThrownBy(() -> PlanCompiler.compileYaml("""
        apiVersion: baton.dev/v1
        kind: Plan
        metadata: {name: aliases}
        spec:
          tasks:
            - {id: a, description: Product API design, estimate: &e 30m}
            - {id: b, description: Order service, estimate: *e}
        """))
        .hasMessageStartingWith("spec.tasks[1].estimate (line 7): alias *e names no anchored list or mapping before it");
  }
}
