package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.cli.mesh.Mesh;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.cli.mesh.MeshPki;
import dev.baton.runtime.security.tls.TlsFiles;
import dev.baton.runtime.security.tls.TlsMaterial;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.SubmitPlanRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard of a real mesh on mutual TLS (five processes, {@code baton master --dashboard-port 0}):
 * HTTPS with the master's certificate, a client certificate or the local user's dashboard token as
 * credentials (none: 401), and the task page of a finished scripted task on a real repository: its
 * rendered prompt, the droid's events fetched from the sub-orchestrator, usage, commit and diffstat.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private MeshLauncher launcher;
  private MeshPki pki;
  private String dashboard;
  private String planId;
  private final List<TlsMaterial> materials = new java.util.ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    Path runDir = MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("dashboard"));
    pki = MeshPki.in(runDir.resolve("pki"));
    launcher = new MeshLauncher(MeshLauncher.Options.in(runDir).withTls(pki)
        .withMasterArgs(List.of("--dashboard-port", "0")));
    Mesh mesh = launcher.startMesh(0);
    dashboard = mesh.master().readyLine().dashboard();
    Path repo = runDir.resolve("notes-repo");
    Files.createDirectories(repo);
    Files.writeString(repo.resolve("README.md"), "# notes\n");
    String yaml = """
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: notes
        spec:
          strategy: parallel
          runner: scripted
          repository: {url: notes-repo, baseBranch: main}
          tasks:
            - id: notes
              description: Write the design notes
              orchestrator: backend
              droid: backend-architect
              estimate: 5m
        """;
    try (MasterApi api = new MasterApi(mesh.masterAddress(), launcher.clientSecurity())) {
      planId = api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(0.001)
          .setRepositoryUrl(repo.toString()).build()).getPlanId();
      List<PlanEvent> events = api.watch(planId).awaitEnd(60);
      assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    }
  }

  @AfterAll
  void stop() {
    materials.forEach(TlsMaterial::close);
    if (launcher != null) {
      try {
        launcher.close();
      } finally {
        launcher.killAll();
      }
    }
  }

  private HttpClient client(TlsFiles files) {
    TlsMaterial m = TlsMaterial.load(files);
    materials.add(m);
    return HttpClient.newBuilder().sslContext(m.sslContext(false)).build();
  }

  private static HttpResponse<String> get(HttpClient c, String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesHttpsAndAuthenticatesByClientCertificateOrTokenElse401() throws Exception {
    assertThat(dashboard).startsWith("https://127.0.0.1:");
    HttpClient anonymous = client(TlsFiles.trustOnly(pki.caFile()));
    var refused = get(anonymous, dashboard + "api/session", null);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("\"code\":\"UNAUTHENTICATED\"");

    var byCertificate = JSON.readTree(get(client(pki.user()), dashboard + "api/session", null).body());
    assertThat(byCertificate.get("caller").asText()).isEqualTo(MeshPki.userIdentity());
    assertThat(byCertificate.get("roles").toString()).contains("admin");
    assertThat(byCertificate.get("mode").asText()).isEqualTo("leader");

    String token = Files.readString(pki.dashboardTokenFile()).strip();
    var byToken = get(anonymous, dashboard + "api/session", token);
    assertThat(byToken.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(byToken.body()).get("caller").asText()).isEqualTo(MeshPki.userIdentity());
  }

  @Test
  void aFinishedTasksPageHasItsPromptDroidEventsUsageCommitAndDiffstat() throws Exception {
    var r = get(client(pki.user()), dashboard + "api/plans/" + planId + "/tasks/notes", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode page = JSON.readTree(r.body());
    assertThat(page.get("task").get("state").asText()).isEqualTo("TASK_STATE_SUCCEEDED");
    assertThat(page.get("prompt").asText()).contains("Write the design notes");
    assertThat(page.get("droidEvents").size()).as(page.get("droidEventsNote").asText()).isGreaterThan(0);
    assertThat(page.get("droidEventsNote").asText()).isEmpty(); // from the instance itself, nothing dropped
    assertThat(page.get("usage").get("taskId").asText()).isEqualTo("notes");
    assertThat(page.get("commit").asText()).matches("[0-9a-f]{40}");
    assertThat(page.get("diffstat").asText()).contains("notes/notes.md").contains("1 file changed");
    assertThat(page.has("outputTail")).isTrue();
  }
}
