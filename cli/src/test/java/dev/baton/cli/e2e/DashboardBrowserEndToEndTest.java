package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.cli.mesh.Mesh;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.ValidatePlanRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The web dashboard in a real browser: a mesh of five processes serving the page from the jar
 * ({@code --dashboard-port 0}), Debian's headless chromium driven by playwright-core
 * (cli/src/test/web/dashboard-e2e.mjs) while the e-commerce plan runs (about 25 s) beside the
 * conflicts example. The script writes what the page showed to results.json and screenshots to
 * cli/target/dashboard-screenshots/ (build artefacts); this class judges the results.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserEndToEndTest {
  /** The e-commerce plan's estimated makespan squeezed into about this much wall clock. */
  private static final double TARGET_SECONDS = 25;

  private static final String SLOW_PLAN = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata:
        name: to-cancel
      spec:
        strategy: parallel
        tasks:
          - {id: long-task, description: A long task, orchestrator: backend, estimate: 1000m}
      """;
  private static final ObjectMapper JSON = new ObjectMapper();
  private MeshLauncher launcher;
  private JsonNode results;
  private String stdout;

  @BeforeAll
  void runTheBrowserAgainstARunningPlan() throws Exception {
    Path runDir = MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("dashboard-browser"));
    launcher = new MeshLauncher(MeshLauncher.Options.in(runDir).withMasterArgs(List.of("--dashboard-port", "0")));
    Mesh mesh = launcher.startMesh(0);
    String dashboard = mesh.master().readyLine().dashboard();
    String ecommerce;
    String conflicts;
    String slow;
    try (MasterApi api = new MasterApi(mesh.masterAddress())) {
      String yaml = Files.readString(TestPaths.example("ecommerce.yaml"));
      double makespan = api.call().validatePlan(ValidatePlanRequest.newBuilder().setPlanYaml(yaml).build())
          .getAnalysis().getEstimatedMakespanMinutes();
      ecommerce = api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml)
          .setTimeScale(TARGET_SECONDS / (makespan * 60)).build()).getPlanId();
      conflicts = api.call().submitPlan(SubmitPlanRequest.newBuilder()
          .setPlanYaml(Files.readString(TestPaths.example("ecommerce-conflicts.yaml"))).setTimeScale(0.001).build())
          .getPlanId();
      // One long task (10 minutes of wall clock) for the page to cancel.
      slow = api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(SLOW_PLAN).setTimeScale(0.01).build())
          .getPlanId();
    }
    Path out = Path.of("target", "dashboard-screenshots").toAbsolutePath();
    Path web = TestPaths.repoRoot().resolve("cli/src/test/web");
    Path log = runDir.resolve("browser.log");
    ProcessBuilder pb = new ProcessBuilder("node", web.resolve("dashboard-e2e.mjs").toString(), dashboard, ecommerce,
        conflicts, slow, out.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("BATON_BROWSER_MODULES",
        TestPaths.repoRoot().resolve(".tools/dashboard-browser/node_modules").toString());
    Process node = pb.start();
    try {
      assertThat(node.waitFor(180, TimeUnit.SECONDS)).as("the browser script finished in 180 s").isTrue();
    } finally {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
    }
    stdout = Files.readString(log);
    results = JSON.readTree(out.resolve("results.json").toFile());
    assertThat(results.path("failure").asText("")).as(stdout).isEmpty();
    assertThat(node.exitValue()).as(stdout).isZero();
  }

  @AfterAll
  void stop() {
    if (launcher != null) {
      try {
        launcher.close();
      } finally {
        launcher.killAll();
      }
    }
  }

  @Test
  void theDagShowsTasksMovingToSucceeded() {
    JsonNode seen = results.get("seen");
    assertThat(seen.size()).isEqualTo(19);
    List<String> moved = new ArrayList<>();
    seen.fields().forEachRemaining(e -> {
      List<String> states = new ArrayList<>();
      e.getValue().forEach(s -> states.add(s.asText()));
      assertThat(states).as(e.getKey()).endsWith("succeeded");
      if (states.size() > 1) {
        moved.add(e.getKey());
      }
    });
    // Seen live: most tasks were on screen in an earlier state before they succeeded.
    assertThat(moved).as("tasks seen changing state on the page").hasSizeGreaterThanOrEqualTo(10);
    assertThat(results.get("planState").asText()).contains("succeeded");
    assertThat(results.get("criticalPath").size()).isGreaterThanOrEqualTo(3);
    assertThat(results.get("ganttRows").asInt()).isGreaterThanOrEqualTo(4);
    assertThat(results.get("ganttBars").asInt()).isGreaterThanOrEqualTo(19);
  }

  @Test
  void theIntegrationTestingBarrierShowsParticipantsArrivingThenReleased() {
    List<String> history = new ArrayList<>();
    results.get("barrier").forEach(v -> history.add(v.asText()));
    assertThat(history).as("barrier states seen").isNotEmpty();
    assertThat(history.get(history.size() - 1)).isEqualTo("released:10/10");
    long waitingSteps = history.stream().filter(v -> v.startsWith("waiting:")).count();
    assertThat(waitingSteps).as("arrivals seen one after another: " + history).isGreaterThanOrEqualTo(3);
  }

  @Test
  void theConflictsExampleShowsThreeConflictsSettled() {
    JsonNode rows = results.get("conflicts");
    assertThat(rows.size()).isGreaterThanOrEqualTo(3);
    long settled = 0;
    for (JsonNode r : rows) {
      if (r.get("settled").asBoolean()) {
        settled++;
      }
      assertThat(r.get("cells").get(1).asText()).as("check").isNotBlank();
      assertThat(r.get("cells").get(2).asText()).as("parties").isNotBlank();
    }
    assertThat(settled).isEqualTo(rows.size());
  }

  @Test
  void aTaskPageOpensFromItsNodeWithItsStateAndInstance() {
    // Simulated droids render no prompt; DashboardEndToEndTest checks a scripted task's prompt,
    // droid events, commit and diffstat through the API the page shows.
    JsonNode t = results.get("taskPage");
    assertThat(t.get("path").asText()).endsWith("/tasks/product-api-design");
    assertThat(t.get("title").asText()).isEqualTo("product-api-design");
    assertThat(t.get("state").asText()).isEqualTo("succeeded");
    assertThat(t.get("facts").asText()).contains("backend").contains("Attempt1");
  }

  @Test
  void keyboardAloneReachesATaskWithVisibleFocus() {
    JsonNode k = results.get("keyboard");
    assertThat(k.get("focusVisible").asBoolean()).isTrue();
    assertThat(k.get("path").asText()).endsWith("/tasks/" + k.get("focusedTask").asText());
    assertThat(results.get("orchestrators").size()).isEqualTo(4);
  }

  @Test
  void theCancelButtonAsksThenCancelsThePlan() {
    JsonNode c = results.get("cancel");
    assertThat(c.get("confirmShown").asBoolean()).isTrue();
    assertThat(c.get("state").asText()).contains("cancelled");
  }

  @Test
  void thePageLoggedNoErrors() {
    assertThat(results.get("errors")).as(stdout).isEmpty();
  }
}
