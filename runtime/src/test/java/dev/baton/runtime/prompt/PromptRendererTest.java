package dev.baton.runtime.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.v1.DelegationContext;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.Remediation;
import dev.baton.v1.RepositoryCheckout;
import dev.baton.v1.SharedArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptRendererTest {
  private static final DroidDefinition DROID =
      DroidDefinition.builtIn("backend-architect", "Designs APIs and services", List.of("api"));

  private static DelegationPackage.Builder task() {
    return DelegationPackage.newBuilder().setPlanId("todo-1").setTaskId("todo-api").setAttempt(2)
        .setTaskDescription("Implement the todo API")
        .addRequirements("OpenAPI 3 document")
        .addExpectedDeliverables("api/openapi.yaml")
        .setContext(DelegationContext.newBuilder().setProjectContext("A todo service")
            .addTechnicalStack("Node.js").addTechnicalStack("Express")
            .addSharedArtifacts(SharedArtifact.newBuilder().setName("design.md").setProducedByTask("design")
                .setOrchestrator("backend").setContent("# Design\nuse REST")))
        .addDependencies("design")
        .putDependencyCommits("design", "abc1234")
        .putPublishes("api_implementation", "api/openapi.yaml");
  }

  @Test
  void theBuiltInTemplateCarriesEverythingTheDroidNeeds() {
    String prompt = PromptRenderer.builtIn().render(task()
        .setRepository(RepositoryCheckout.newBuilder().setTaskBranch("baton/todo-1/todo-api")
            .setIntegrationBranch("baton/todo-1").setBaseCommit("f00d"))
        .setVerify("npm test")
        .build(), DROID);
    assertThat(prompt)
        .contains("Task: todo-api", "Plan: todo-1", "Attempt: 2", "You are backend-architect")
        .contains("Implement the todo API", "- OpenAPI 3 document", "- api/openapi.yaml")
        .contains("api_implementation: api/openapi.yaml")
        .contains("Tech stack: Node.js, Express", "- design (commit abc1234)", "use REST")
        .contains("on branch baton/todo-1/todo-api", "`npm test` runs in the worktree")
        .doesNotContain("## Constraints", "## Conflicts to fix", "previous attempt", "&lt;");
  }

  @Test
  void aRemediationTaskGetsTheConflictsAndTheAuthoritativeDocument() {
    String prompt = PromptRenderer.builtIn().render(task()
        .setRemediation(Remediation.newBuilder().setSyncPoint("API Contract").setRound(1)
            .addConflicts("api_contract: GET /todos/{id}: the frontend calls it, the backend lacks it")
            .addFiles("api/openapi.yaml")
            .addAuthoritative(SharedArtifact.newBuilder().setName("openapi.yaml").setProducedByTask("ui")
                .setContent("openapi: 3.0.3")))
        .setPreviousAttemptOutput("Error: merge conflict in api/openapi.yaml")
        .build(), DROID);
    assertThat(prompt).contains("## Conflicts to fix (sync point \"API Contract\", round 1)",
        "GET /todos/{id}", "- api/openapi.yaml", "Authoritative: openapi.yaml (from ui)", "openapi: 3.0.3",
        "The previous attempt failed", "merge conflict in api/openapi.yaml");
  }

  @Test
  void anOperatorTemplateReplacesTheBuiltInOne(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.mustache");
    Files.writeString(file, "Do {{taskId}} ({{#requirements}}{{.}};{{/requirements}})");
    assertThat(PromptRenderer.fromFile(file).render(task().build(), DROID))
        .isEqualTo("Do todo-api (OpenAPI 3 document;)");
  }

  @Test
  void aBrokenTemplateIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.mustache");
    Files.writeString(file, "{{#requirements}} never closed");
    assertThatThrownBy(() -> PromptRenderer.fromFile(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("broken.mustache");
    assertThatThrownBy(() -> PromptRenderer.fromFile(dir.resolve("missing")))
        .hasMessageContaining("cannot read");
  }

  @Test
  void aHugeArtifactIsCutSoThePromptStaysBounded() {
    String big = "x".repeat(200_000);
    DelegationPackage d = task().setContext(DelegationContext.newBuilder()
        .addSharedArtifacts(SharedArtifact.newBuilder().setName("a").setContent(big))
        .addSharedArtifacts(SharedArtifact.newBuilder().setName("b").setContent(big))
        .addSharedArtifacts(SharedArtifact.newBuilder().setName("c").setContent(big))
        .addSharedArtifacts(SharedArtifact.newBuilder().setName("d").setContent(big))
        .addSharedArtifacts(SharedArtifact.newBuilder().setName("e").setContent(big))
        .addSharedArtifacts(SharedArtifact.newBuilder().setName("f").setContent(big))).build();
    String prompt = PromptRenderer.builtIn().render(d, DROID);
    assertThat(prompt.length()).isLessThanOrEqualTo(PromptRenderer.MAX_PROMPT_CHARS);
    assertThat(prompt).contains("[cut at");
  }
}
