package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.mesh.Mesh;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.cli.mesh.MeshPki;
import dev.baton.runtime.security.auth.Callers;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.PlanState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The generated Python client (clients/python) against real meshes: its example submits a plan,
 * prints every event in order and exits 0 on SUCCEEDED, on the shared open mesh and on a TLS mesh
 * whose master takes a bearer token, where the same call without the token, or with a wrong one, is
 * refused with one line naming UNAUTHENTICATED. The venv and the generated modules come from
 * scripts/tools/python-client.sh (install-tools.sh --python-client, run by this module's build).
 */
@ExtendWith(SharedMesh.class)
class PythonClientEndToEndTest {
  private MeshLauncher secured;

  @AfterEach
  void stop() {
    if (secured != null) {
      secured.close();
      secured.killAll();
    }
  }

  @Test
  void theExampleSubmitsAPlanAndPrintsItsEventsInOrder(Mesh mesh) throws Exception {
    PythonExample.Run run = PythonExample.run(Map.of("BATON_MASTER", mesh.masterAddress()),
        TestPaths.example("hello.yaml").toString(),
        "--time-scale", "0.001");

    assertThat(run.exitCode()).as(run.describe()).isZero();
    String planId = PythonExample.assertSucceededInOrder(run, List.of("hello-api", "hello-file", "hello-page"));
    try (MasterApi api = new MasterApi(mesh.masterAddress())) {
      assertThat(api.call().getPlan(GetPlanRequest.newBuilder().setPlanId(planId).build()).getStatus().getState())
          .isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    }
  }

  @Test
  void aTokenProtectedMasterAnswersPythonWithTheTokenOnly() throws Exception {
    Path runDir = MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("python-client"));
    MeshPki pki = MeshPki.in(runDir.resolve("pki"));
    String token = "py-" + Long.toHexString(System.nanoTime()) + "-token";
    // written before the mesh starts, so MeshPki keeps it: the local user's certificate (the mesh's
    // admin, used by the launcher) and a script that has only a token and the submitter role
    Callers.write(pki.callersFile().resolveSibling("callers.yaml.new"),
        List.<Object[]>of(new Object[] {MeshPki.userIdentity(), "admin", null}, new Object[] {"py-script", "submitter", token}));
    Files.move(pki.callersFile().resolveSibling("callers.yaml.new"), pki.callersFile(),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    secured = new MeshLauncher(MeshLauncher.Options.in(runDir).withTls(pki));
    Mesh mesh = secured.startMesh(0);
    String plan = TestPaths.example("hello.yaml").toString();
    Map<String, String> tls = Map.of("BATON_MASTER", mesh.masterAddress(), "BATON_TLS_CA", pki.caFile().toString());

    PythonExample.Run anonymous = PythonExample.run(tls, plan, "--time-scale", "0.001");
    assertThat(anonymous.exitCode()).as(anonymous.describe()).isEqualTo(2);
    assertThat(anonymous.stderr().strip()).startsWith("error: UNAUTHENTICATED: ").contains("SubmitPlan needs credentials")
        .doesNotContain("\n");

    Map<String, String> wrong = new java.util.HashMap<>(tls);
    wrong.put("BATON_TOKEN", "not-" + token);
    PythonExample.Run refused = PythonExample.run(wrong, plan, "--time-scale", "0.001");
    assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(2);
    assertThat(refused.stderr()).startsWith("error: UNAUTHENTICATED: ");

    Map<String, String> withToken = new java.util.HashMap<>(tls);
    withToken.put("BATON_TOKEN", token);
    PythonExample.Run run = PythonExample.run(withToken, plan, "--time-scale", "0.001");
    assertThat(run.exitCode()).as(run.describe()).isZero();
    PythonExample.assertSucceededInOrder(run, List.of("hello-api", "hello-file", "hello-page"));
    assertThat(runDir.resolve("master.log")).content().contains("caller=anonymous");
  }
}
