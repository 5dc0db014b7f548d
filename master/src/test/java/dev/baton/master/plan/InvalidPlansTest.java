package dev.baton.master.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The broken plans under {@code src/test/resources/plans/invalid/}, one file per problem, and the
 * place and problem each must be refused with. The table doubles as documentation of the messages.
 */
class InvalidPlansTest {
  static final Path DIR = Path.of("src/test/resources/plans/invalid");

  static String read(String file) throws IOException {
    return Files.readString(DIR.resolve(file), StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      empty.yaml                          | plan:                                            | the plan is empty (expected: a YAML mapping with apiVersion: baton.dev/v1
      not-yaml.yaml                       | not valid YAML at line 5, column 5               | expected ',' or ']'
      not-a-mapping.yaml                  | plan (line 2)                                    | the document is a list, not a mapping
      wrong-kind.yaml                     | kind (line 3)                                    | 'Deployment' is not a plan (expected: Plan)
      wrong-api-version.yaml              | apiVersion (line 2)                              | 'baton.dev/v2' is not supported (expected: baton.dev/v1)
      unknown-field.yaml                  | spec.tasks[1].dependson (line 15)                | unknown field 'dependson' (expected one of: id, description, orchestrator
      unknown-field.yaml                  | spec.tasks[1].dependson                          | did you mean 'dependsOn'?
      duplicate-key.yaml                  | spec.tasks[0].estimate (line 12)                 | duplicate key 'estimate' (first at line 11
      duplicate-task-id.yaml              | spec.tasks[2].id (line 16)                       | duplicate task id 'api-design' (first at spec.tasks[0]; expected: unique ids)
      unknown-dependency.yaml             | spec.tasks[1].dependsOn[0] (line 15)             | unknown task 'api-desing' (did you mean 'api-design'? expected one of the task ids: api-design, catalog-ui)
      self-dependency.yaml                | spec.tasks[1].dependsOn[0] (line 15)             | 'catalog-ui' depends on itself
      dependency-cycle.yaml               | spec.tasks[0].dependsOn (line 11)                | dependency cycle: a -> b -> c -> a
      sync-point-deadlock.yaml            | spec.syncPoints[0] (line 18)                     | sync point 'API Contract Agreement' deadlocks against the dependencies
      sync-point-deadlock.yaml            | spec.syncPoints[0]                               | catalog-ui -> [sync point 'API Contract Agreement'] -> api-design -> catalog-ui
      sync-points-deadlock-each-other.yaml| spec.syncPoints[1] (line 19)                     | api-design -> [sync point 'Mockups'] -> catalog-ui -> [sync point 'Contract'] -> api-design
      unknown-orchestrator.yaml           | spec.tasks[1].orchestrator (line 14)             | unknown orchestrator 'mobile' (expected one of: frontend, backend, devops, testing)
      unknown-strategy.yaml               | spec.strategy (line 7)                           | unknown strategy 'yolo' (expected one of: parallel, sequential_checkpointed, hybrid_parallel_sequential)
      unknown-priority.yaml               | spec.tasks[1].priority (line 15)                 | unknown priority 'urgent' (expected one of: low, medium, high, critical)
      malformed-duration.yaml             | spec.tasks[0].estimate (line 11)                 | '30 minutes' is not a duration (expected: a positive duration like 90s, 30m, 2h or 1h30m)
      negative-duration.yaml              | spec.tasks[1].estimate (line 14)                 | '-20m' is negative (expected: a positive duration like 90s, 30m, 2h or 1h30m)
      zero-duration.yaml                  | spec.tasks[1].estimate (line 14)                 | '0m' is zero
      missing-estimate.yaml               | spec.tasks[1].estimate (in the entry at line 12) | 'catalog-ui' has no estimate
      wrong-type.yaml                     | spec.tasks[1].estimate (line 14)                 | expected text, got a list
      invalid-id.yaml                     | spec.tasks[1].id (line 12)                       | 'Catalog_UI' is not a valid task id (expected: 1 to 63 characters of a-z, 0-9 and '-')
      invalid-name.yaml                   | metadata.name (line 5)                           | 'Broken Example' is not a valid name
      no-tasks.yaml                       | spec.tasks (line 8)                              | the plan has no tasks (expected: at least one task)
      sync-point-unknown-task.yaml        | spec.syncPoints[0].before[1] (line 20)           | unknown task 'cart-ui'
      sync-point-unknown-participant.yaml | spec.syncPoints[0].participants[1] (line 18)     | unknown domain 'qa' (expected one of: frontend, backend, devops, testing)
      sync-point-after-and-before.yaml    | spec.syncPoints[0].before[0] (line 20)           | 'catalog-ui' is both after and before sync point 'API Contract Agreement'
      unroutable.yaml                     | spec.tasks[1] (line 12)                          | cannot route: no domain's expertise matches its text (name one with orchestrator: frontend|backend|devops|testing)
      too-many-retries.yaml               | spec.retry.maxRetries (line 8)                   | 11 retries (expected: 0 to 10)
      negative-fail-first-attempts.yaml   | spec.tasks[1].simulate.failFirstAttempts (line 17) | -1 (expected: >= 0)
      alias-bomb.yaml                     | (line                                            | YAML alias bomb refused
      unknown-runner.yaml                 | spec.runner (line 7)                             | unknown runner 'gpt' (expected one of: claude, droid, codex, scripted, sim, command)
      repository-without-url.yaml         | spec.repository.url                              | missing (expected: a git remote URL
      negative-budget.yaml                | spec.tasks[0].budget.usd                         | -1.0 (expected: a number of US dollars >= 0)
      publish-escapes.yaml                | spec.tasks[0].publishes.api_implementation       | '../../etc/passwd' leaves the repository
      publish-nul.yaml                    | spec.tasks[0].publishes.api_contract             | 'web/\\0api-usage.yaml' is not a path (Nul character not allowed)
      unknown-merge.yaml                  | spec.repository.merge                            | unknown merge strategy 'squash' (expected one of: merge, rebase)
      """)
  void refusesWithPlaceAndProblem(String file, String place, String problem) throws IOException {
    String yaml = read(file);

    PlanException e = catchThrowableOfType(PlanException.class, () -> PlanCompiler.compileYaml(yaml));

    assertThat(e).as(file + " must be refused").isNotNull();
    assertThat(e.getMessage()).contains(place).contains(problem).doesNotContain("\n");
    assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      unknown-dependency.yaml   | spec.tasks[1].dependsOn[0]: unknown task 'api-desing'
      dependency-cycle.yaml     | spec.tasks[0].dependsOn: dependency cycle: a -> b -> c -> a
      sync-point-deadlock.yaml  | spec.syncPoints[0]: sync point 'API Contract Agreement' deadlocks
      unknown-strategy.yaml     | spec.strategy: unknown strategy 'yolo'
      missing-estimate.yaml     | spec.tasks[1].estimate: 'catalog-ui' has no estimate
      """)
  void protoInputGetsTheSameMessageWithoutLines(String file, String message) throws IOException {
    dev.baton.v1.Plan proto = PlanCompiler.parseYaml(read(file));

    assertThatThrownBy(() -> PlanCompiler.compile(proto))
        .isInstanceOf(PlanException.class)
        .hasMessageStartingWith(message)
        .hasMessageNotContaining("line");
  }

  @Test
  void refusesAliasBombQuickly() throws IOException {
    String yaml = read("alias-bomb.yaml");

    assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
        assertThatThrownBy(() -> PlanCompiler.compileYaml(yaml)).hasMessageContaining("alias bomb"));
  }

  @Test
  void refusesManyAliasesToCollectionsEvenWhenSmall() {
    StringBuilder yaml = new StringBuilder("apiVersion: baton.dev/v1\nkind: Plan\nx: &x [a]\ny: [");
    for (int i = 0; i < 60; i++) {
      yaml.append("*x, ");
    }
    yaml.append("*x]\n");

    assertThatThrownBy(() -> PlanCompiler.compileYaml(yaml.toString()))
        .hasMessageContaining("y[50] (line 4): YAML alias bomb refused: more than 50 aliases");
  }

  @Test
  void refusesDeepNesting() {
    String yaml = "apiVersion: baton.dev/v1\nkind: Plan\nx: " + "[".repeat(200) + "]".repeat(200) + "\n";

    assertThatThrownBy(() -> PlanCompiler.compileYaml(yaml))
        .isInstanceOf(PlanException.class)
        .hasMessageMatching("(?is).*(nest|depth).*");
  }

  @Test
  void refusesSecondDocument() throws IOException {
    String yaml = Files.readString(Path.of("../examples/hello.yaml")) + "---\nkind: Plan\n";

    assertThatThrownBy(() -> PlanCompiler.compileYaml(yaml))
        .hasMessageContaining("a second YAML document (expected: exactly one plan per file)");
  }

  @Test
  void refusesProtoOverTheSizeLimit() {
    dev.baton.v1.Plan big = dev.baton.v1.Plan.newBuilder()
        .setApiVersion("baton.dev/v1")
        .setKind("Plan")
        .setMetadata(dev.baton.v1.PlanMetadata.newBuilder().setName("big").setDescription("x".repeat(1_200_000)))
        .build();

    assertThatThrownBy(() -> PlanCompiler.compile(big))
        .hasMessage("plan: " + big.getSerializedSize() + " bytes (1.1 MiB) in all (expected: at most 1048576 bytes (1.0 MiB))");
  }

  @Test
  void refusesYamlOverTheSizeLimitBeforeParsingIt() throws IOException {
    String yaml = """
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: big
        spec:
          tasks:
            - id: api
              description: Product API
              orchestrator: backend
              estimate: 30m
        """ + "# " + "padding ".repeat(140_000) + "\n";

    assertThatThrownBy(() -> PlanCompiler.compileYaml(yaml))
        .hasMessage("plan: " + yaml.length() + " bytes (1.1 MiB) (expected: at most 1048576 bytes (1.0 MiB))");
  }

  /**
   * The largest plan allowed, as one word: refused before SnakeYAML sees it, whose cost on such a
   * run is quadratic (YamlCost). Measured figures: BENCHMARKS.md, issue 11.
   */
  @Test
  void refusesALongestRunBeforeParsingAndNamesItsLine() {
    String yaml = "apiVersion: baton.dev/v1\nkind: Plan\nmetadata:\n  name: big\n  description: "
        + "x".repeat(1_048_000) + "\n";
    assertThatThrownBy(() -> PlanCompiler.compileYaml(yaml)).hasMessage("plan (line 5): a run of 1048000 characters"
        + " without a space or line break (expected: at most 65536; break long values over lines with a YAML block"
        + " scalar '|' or '>')");
  }

  @Test
  void boundsEveryFieldOfThePlanTheSameOverYamlAndProto() {
    String yaml = "apiVersion: baton.dev/v1\nkind: Plan\nmetadata:\n  name: wordy\nspec:\n  tasks:\n    - id: api\n"
        + "      description: " + "word ".repeat(14_000) + "\n      orchestrator: backend\n      estimate: 30m\n";
    assertThatThrownBy(() -> PlanCompiler.compileYaml(yaml)).hasMessage("spec.tasks[0].description (line 8): 69999 bytes"
        + " (68.4 KiB) (expected: at most 65536 bytes (64.0 KiB))");
    assertThatThrownBy(() -> PlanCompiler.compile(PlanCompiler.parseYaml(yaml))).hasMessage("spec.tasks[0].description:"
        + " 69999 bytes (68.4 KiB) (expected: at most 65536 bytes (64.0 KiB))");
  }

  @Test
  void refusesDurationsLongerThanSevenDays() {
    String yaml = "apiVersion: baton.dev/v1\nkind: Plan\nmetadata:\n  name: long\nspec:\n  tasks:\n    - id: api\n"
        + "      description: Product API\n      orchestrator: backend\n      estimate: 200h\n";
    assertThatThrownBy(() -> PlanCompiler.compileYaml(yaml))
        .hasMessage("spec.tasks[0].estimate (line 10): '200h' is longer than 7 days (expected: at most 168h)");
  }

  @Test
  void refusesNullAndBlankAsEmpty() {
    assertThatThrownBy(() -> PlanCompiler.compileYaml(null)).hasMessageContaining("the plan is empty");
    assertThatThrownBy(() -> PlanCompiler.compileYaml("  \n")).hasMessageContaining("the plan is empty");
  }
}
