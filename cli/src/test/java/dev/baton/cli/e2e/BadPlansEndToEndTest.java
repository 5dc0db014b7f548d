package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.v1.GetDashboardRequest;
import dev.baton.v1.ListPlansRequest;
import dev.baton.v1.SubmitPlanRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken plans are refused, over gRPC (INVALID_ARGUMENT) and by {@code baton validate} as a process
 * (exit 2, one line on stderr), each with a message naming the problem and its place; the master
 * keeps serving and creates no plan. Runs against a master of its own so "no plan" is checkable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadPlansEndToEndTest {
  private static final String HEAD = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata:
        name: broken
      spec:
      """;

  /** Two valid tasks; cases append to or replace parts of them. */
  private static final String TASKS = """
        tasks:
          - id: api
            orchestrator: backend
            estimate: 10m
          - id: ui
            orchestrator: frontend
            estimate: 10m
            dependsOn: [api]
      """;

  private MeshLauncher launcher;
  private MasterApi api;
  @TempDir Path dir;

  @BeforeAll
  void startMaster() {
    launcher = new MeshLauncher(
        MeshLauncher.Options.in(MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("bad-plans"))));
    api = new MasterApi(launcher.startMaster(0).address());
  }

  @AfterAll
  void stopMaster() {
    if (api != null) {
      api.close();
    }
    if (launcher != null) {
      launcher.close();
      launcher.killAll();
    }
  }

  static Stream<Arguments> brokenPlans() {
    return Stream.of(
        Arguments.of("empty file", "", List.of("empty")),
        Arguments.of("not YAML", "apiVersion: baton.dev/v1\nkind: [Plan\n  metadata: {name: x\n", List.of("yaml", "line")),
        Arguments.of("wrong kind", HEAD.replace("kind: Plan", "kind: Pipeline") + TASKS, List.of("kind", "Pipeline")),
        Arguments.of("unknown field", HEAD + TASKS.replace("orchestrator: backend", "orchestrator: backend\n      colour: blue"),
            List.of("spec.tasks[0]", "colour")),
        Arguments.of("duplicate task id", HEAD + TASKS.replace("id: ui", "id: api").replace("dependsOn: [api]", ""),
            List.of("spec.tasks[1]", "duplicate", "api")),
        Arguments.of("unknown dependency", HEAD + TASKS.replace("dependsOn: [api]", "dependsOn: [checkout-api]"),
            List.of("spec.tasks[1].dependsOn[0]", "checkout-api")),
        Arguments.of("dependency cycle", HEAD + TASKS.replace("estimate: 10m\n    - id: ui", "estimate: 10m\n      dependsOn: [ui]\n    - id: ui"),
            List.of("cycle", "api", "ui")),
        Arguments.of("sync point deadlocks against the dependencies", HEAD + TASKS + """
              syncPoints:
                - name: Too Late
                  participants: [frontend, backend]
                  after: [ui]
                  before: [api]
            """, List.of("spec.syncPoints[0]", "Too Late")),
        Arguments.of("unknown orchestrator", HEAD + TASKS.replace("orchestrator: frontend", "orchestrator: mobile"),
            List.of("spec.tasks[1].orchestrator", "mobile")),
        Arguments.of("unknown strategy", HEAD + "  strategy: yolo\n" + TASKS, List.of("spec.strategy", "yolo")),
        Arguments.of("malformed duration", HEAD + TASKS.replace("estimate: 10m\n    - id: ui", "estimate: ten minutes\n    - id: ui"),
            List.of("spec.tasks[0].estimate", "ten minutes")),
        Arguments.of("negative duration", HEAD + TASKS.replace("estimate: 10m\n    - id: ui", "estimate: -5m\n    - id: ui"),
            List.of("spec.tasks[0].estimate", "-5m")),
        Arguments.of("invalid id", HEAD + TASKS.replace("id: ui", "id: Bad_UI"), List.of("spec.tasks[1].id", "Bad_UI")),
        Arguments.of("sync point naming an unknown task", HEAD + TASKS + """
              syncPoints:
                - name: Contract
                  participants: [frontend, backend]
                  after: [ghost]
                  before: [ui]
            """, List.of("spec.syncPoints[0].after[0]", "ghost")),
        Arguments.of("oversized file", HEAD + "  context:\n    project: " + "x ".repeat(600_000) + "\n" + TASKS,
            List.of("(expected: at most 1048576 bytes (1.0 MiB))")),
        Arguments.of("YAML alias bomb", aliasBomb(), List.of("alias")),

        Arguments.of("a key in the plan", HEAD + TASKS.replace("id: ui\n", "id: ui\n      description: deploy with"
            + " ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789\n"),
            List.of("task 'ui'", "description", "looks like a secret", "github-token", "--secrets")),
        Arguments.of("a deliverable out of the workspace", HEAD + TASKS.replace("id: api\n",
            "id: api\n      deliverables: [../../etc/passwd]\n"),
            List.of("task 'api'", "deliverables[0]", "leaves the workspace")));
  }

  /** The "billion laughs": nine levels of nine aliases each. */
  private static String aliasBomb() {
    StringBuilder yaml = new StringBuilder("apiVersion: baton.dev/v1\nkind: Plan\nmetadata: {name: bomb}\nx:\n");
    yaml.append("  a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (int i = 1; i < 9; i++) {
      String prev = "*a" + (i - 1);
      yaml.append("  a").append(i).append(": &a").append(i).append(" [")
          .append(String.join(",", java.util.Collections.nCopies(9, prev))).append("]\n");
    }
    return yaml.toString();
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenPlans")
  void submitPlanRefusesItWithInvalidArgumentNamingTheProblem(String name, String yaml, List<String> fragments) {
    StatusRuntimeException refused =
        catchThrowableOfType(StatusRuntimeException.class,
            () -> api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).build()));

    assertThat(refused).as(name + " must be refused").isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getStatus().getDescription()).as(name).isNotBlank();
    for (String fragment : fragments) {
      assertThat(refused.getStatus().getDescription().toLowerCase()).as(name).contains(fragment.toLowerCase());
    }
  }

  @Order(2)
  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenPlans")
  void validateExitsTwoWithOneLineNamingTheProblem(String name, String yaml, List<String> fragments) throws IOException {
    Path file = dir.resolve("plan.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);

    ProcessRun run = ProcessRun.baton("validate", file.toString());

    assertThat(run.exitCode()).as(name + ": " + run).isEqualTo(2);
    assertThat(run.stderrLines()).as(name).hasSize(1);
    for (String fragment : fragments) {
      assertThat(run.stderr().toLowerCase()).as(name).contains(fragment.toLowerCase());
    }
  }

  @Order(3)
  @Test
  void masterKeepsServingAndCreatedNoPlan() {
    assertThat(api.call().getDashboard(GetDashboardRequest.getDefaultInstance()).hasDashboard()).isTrue();
    assertThat(api.call().listPlans(ListPlansRequest.getDefaultInstance()).getPlansList()).isEmpty();
  }
}
