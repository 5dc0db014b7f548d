package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.cli.mesh.Mesh;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.cli.mesh.MeshPki;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.TaskState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mesh of {@code baton up} on mutual TLS, as separate processes: every server gets its own
 * certificate from an ephemeral CA, the repository plan's worktrees are cloned from and pushed to
 * the master's git server over HTTPS with the orchestrators' certificates, and the plan succeeds.
 * A plaintext client gets nothing from the master.
 */
class TlsMeshEndToEndTest {
  private MeshLauncher launcher;

  @AfterEach
  void stop() {
    if (launcher != null) {
      launcher.close();
      launcher.killAll();
    }
  }

  @Test
  void aRepositoryPlanSucceedsWithGitOverHttpsAndEveryHopOnTls() throws Exception {
    Path runDir = MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("tls-mesh"));
    launcher = new MeshLauncher(MeshLauncher.Options.in(runDir).withTls(MeshPki.in(runDir.resolve("pki"))));
    Mesh mesh = launcher.startMesh(0);
    assertThat(mesh.master().readyLine().git()).startsWith("https://127.0.0.1:");

    try (MasterApi api = new MasterApi(mesh.masterAddress(), launcher.clientSecurity());
        MasterApi plaintext = new MasterApi(mesh.masterAddress())) {
      assertThatThrownBy(() -> plaintext.call().listOrchestrators(ListOrchestratorsRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

      String id = api.call().submitPlan(SubmitPlanRequest.newBuilder()
          .setPlanYaml(Files.readString(TestPaths.example("todo-service.yaml"))).setTimeScale(0.001)
          .setRunner("scripted").setRepositoryUrl(TestPaths.example("todo-service").toString()).build()).getPlanId();
      List<PlanEvent> events = api.watch(id).awaitEnd(120);
      PlanStatus status = api.call().getPlan(GetPlanRequest.newBuilder().setPlanId(id).build()).getStatus();

      assertThat(events).isNotEmpty();
      assertThat(status.getState()).as(status.getReason()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
      assertThat(status.getTasksList()).isNotEmpty().allSatisfy(
          t -> assertThat(t.getState()).as(t.getId() + ": " + t.getLastError()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED));
    }
    // the task branches reached the master over HTTPS: the sub-orchestrators pushed them there
    Path served = runDir.resolve("git").resolve("repos").resolve("todo-service.git");
    assertThat(Files.list(served.resolve("refs/heads/baton")).count()).isPositive();
    for (String server : List.of("master", "frontend", "backend", "devops", "testing")) {
      assertThat(runDir.resolve(server + ".log")).content().contains("(TLS) with [baton.v1.");
    }
  }
}
