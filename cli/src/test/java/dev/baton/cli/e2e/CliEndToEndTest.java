package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.baton.cli.mesh.LaunchedProcess;
import dev.baton.cli.mesh.Mesh;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.v1.GetDashboardResponse;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanResponse;
import dev.baton.v1.ValidatePlanResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton} as a user runs it: exit codes, one-line errors, and JSON that scripts can parse. */
@ExtendWith(SharedMesh.class)
class CliEndToEndTest {
  @TempDir Path dir;

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void submitToAnUnreachableMasterExitsThreeAndSaysHowToStartOne() throws IOException {
    String address = "127.0.0.1:" + closedPort();

    ProcessRun run = ProcessRun.baton("submit", TestPaths.example("hello.yaml").toString(), "--master", address,
        "--retry-for", "0");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
    assertThat(run.stderrLines()).hasSize(1);
    assertThat(run.stderr()).contains("cannot reach the master at " + address, "baton up", "--master", "--retry-for");
  }

  @Test
  void submitOfABrokenPlanExitsTwoWithTheMastersMessage(Mesh mesh) throws IOException {
    Path plan = Files.writeString(dir.resolve("broken.yaml"), """
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: broken
        spec:
          tasks:
            - id: ui
              orchestrator: frontend
              estimate: 10m
              dependsOn: [checkout-api]
        """);

    ProcessRun run = ProcessRun.baton("submit", plan.toString(), "--master", mesh.masterAddress());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stderrLines()).hasSize(1);
    assertThat(run.stderr()).contains("checkout-api");
  }

  @Test
  void submitWaitWithJsonOutputPrintsTheFinalStatusAsProtoJson(Mesh mesh) throws Exception {
    ProcessRun run = ProcessRun.baton("submit", TestPaths.example("hello.yaml").toString(), "--wait",
        "--output", "json", "--time-scale", "0.01", "--master", mesh.masterAddress());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    PlanStatus.Builder status = PlanStatus.newBuilder();
    JsonFormat.parser().merge(run.stdout(), status);
    assertThat(status.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(status.getName()).isEqualTo("hello");
    assertThat(status.hasSummary()).isTrue();
  }

  @Test
  void submitWithoutWaitingPrintsTheResponseAsJsonAndStatusFindsThePlan(Mesh mesh) throws Exception {
    ProcessRun submit = ProcessRun.baton("submit", TestPaths.example("hello.yaml").toString(), "--output", "json",
        "--time-scale", "0.01", "--master", mesh.masterAddress());
    assertThat(submit.exitCode()).as(submit.toString()).isZero();
    SubmitPlanResponse.Builder response = SubmitPlanResponse.newBuilder();
    JsonFormat.parser().merge(submit.stdout(), response);
    assertThat(response.getPlanId()).isNotBlank();

    ProcessRun status = ProcessRun.baton("status", response.getPlanId(), "--master", mesh.masterAddress());
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.stdout()).contains(response.getPlanId(), "hello-file");

    ProcessRun unknown = ProcessRun.baton("status", "no-such-plan", "--master", mesh.masterAddress());
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
    assertThat(unknown.stderrLines()).hasSize(1);
  }

  @Test
  void submitWatchWithoutATerminalPrintsEventLinesAndTheSummary(Mesh mesh) {
    ProcessRun run = ProcessRun.baton("submit", TestPaths.example("hello.yaml").toString(), "--watch",
        "--time-scale", "0.01", "--master", mesh.masterAddress());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("task hello-file started", "task hello-page succeeded", "plan finished: SUCCEEDED",
        "Critical path", "Makespan estimated", "sequential");
  }

  @Test
  void dashboardJsonParsesAsTheProtoMapping(Mesh mesh) throws Exception {
    ProcessRun run = ProcessRun.baton("dashboard", "--output", "json", "--master", mesh.masterAddress());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    GetDashboardResponse.Builder dashboard = GetDashboardResponse.newBuilder();
    JsonFormat.parser().merge(run.stdout(), dashboard);
    assertThat(dashboard.getDashboard().getOverview().getTotalOrchestrators()).isEqualTo(4);
  }

  @Test
  void validatePrintsTheAnalysisOfTheEcommercePlanWithoutAMaster() throws Exception {
    ProcessRun text = ProcessRun.baton("validate", TestPaths.example("ecommerce.yaml").toString());
    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.stdout()).contains("ecommerce-platform", "Routing:", "Levels:", "Critical path", "435 min sequential");

    ProcessRun json = ProcessRun.baton("validate", "--output", "json", TestPaths.example("ecommerce.yaml").toString());
    assertThat(json.exitCode()).as(json.toString()).isZero();
    ValidatePlanResponse.Builder response = ValidatePlanResponse.newBuilder();
    JsonFormat.parser().merge(json.stdout(), response);
    assertThat(response.getAnalysis().getSequentialMinutes()).isEqualTo(435.0);
    assertThat(response.getPlan().getSpec().getTasksCount()).isEqualTo(19);
  }

  @Test
  void aServerExitsWhenTheProcessThatLaunchedItDies() throws Exception {
    Process parent = new ProcessBuilder("sleep", "120").start();
    MeshLauncher launcher = new MeshLauncher(MeshLauncher.Options.in(dir.resolve("run")));
    try {
      LaunchedProcess master = launcher.launch("orphan-master",
          List.of("master", "--port", "0", "--parent-pid", Long.toString(parent.pid())));
      master.awaitReady(Duration.ofSeconds(30));

      parent.destroyForcibly();

      assertThat(master.onExit().get(15, TimeUnit.SECONDS).exitValue()).isZero();
    } finally {
      parent.destroyForcibly();
      launcher.killAll();
    }
  }

  @Test
  void demoRunsTheEcommercePlanOnItsOwnMeshAndSummarises() {
    ProcessRun run = ProcessRun.baton("demo", "--time-scale", "0.0003", "--run-dir", dir.resolve("demo").toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("mesh up:", "Plan ecommerce-platform", "SUCCEEDED", "Critical path (145 min)",
        "against 435 min sequential", "Makespan measured", "API Contract Agreement", "Infrastructure Ready",
        "Integration Testing", "level 0:");
    // every hop on TLS: the mesh says so, and each server logged its TLS listener
    assertThat(run.stdout()).contains("on mutual TLS");
    // the web dashboard on a free port, over HTTPS, with where the sign-in token is (issue 13)
    assertThat(run.stdout()).containsPattern("dashboard: https://127\\.0\\.0\\.1:\\d+/  \\(sign in with the token in .*dashboard-token");
    for (String server : List.of("master", "frontend", "backend", "devops", "testing")) {
      assertThat(dir.resolve("demo").resolve(server + ".log")).content().contains("(TLS) with [baton.v1.");
    }
  }

  @Test
  void usageErrorsExitTwo() throws IOException {
    ProcessRun consul = ProcessRun.baton(
        "orchestrator", "--domain", "backend", "--registry", "consul", "--master", "127.0.0.1:7233");
    assertThat(consul.exitCode()).as(consul.toString()).isEqualTo(2);
    assertThat(consul.stderr()).contains("--master 127.0.0.1:7233 with Consul (expected: one of them");

    ProcessRun check = ProcessRun.baton("master", "--registry", "consul", "--consul-check", "http");
    assertThat(check.exitCode()).as(check.toString()).isEqualTo(2);
    assertThat(check.stderr()).contains("consul check mode: 'http' (expected: grpc, ttl or grpc+ttl)");

    ProcessRun missing = ProcessRun.baton("validate", dir.resolve("nope.yaml").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr()).contains("plan file not found");

    ProcessRun unknownOption = ProcessRun.baton("submit", "--frobnicate");
    assertThat(unknownOption.exitCode()).isEqualTo(2);
    assertThat(unknownOption.stderrLines()).hasSize(1);
  }
}
