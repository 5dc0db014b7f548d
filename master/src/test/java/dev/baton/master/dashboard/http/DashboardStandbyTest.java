package dev.baton.master.dashboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.plan.PlanCompiler;
import dev.baton.runtime.postgres.PostgresServer;
import dev.baton.v1.GetPlanResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two masters on one PostgreSQL journal: the standby's dashboard serves the plans from the journal
 * read-only, says it stands by and who leads, refuses a cancel with 409 naming the leader, and
 * turns writable once it takes over.
 */
class DashboardStandbyTest {
  @RegisterExtension
  static final PostgresServer postgres = new PostgresServer();

  private final List<AutoCloseable> open = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private MasterServer master(String id, String journal) {
    MasterServer m = MasterServer.start(MasterConfig.builder().id(id).journal(journal)
        .instanceWait(Duration.ofMinutes(5)).gitPort(-1).build());
    open.add(m);
    return m;
  }

  private HttpResponse<String> send(String method, String url) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("X-Baton-Request", "1")
        .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("") : HttpRequest.BodyPublishers.noBody());
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aStandbyServesTheJournalReadOnlyAndNamesTheLeader() throws Exception {
    String journal = postgres.createDatabase("dashboard_standby");
    MasterServer a = master("m-a", journal);
    await().atMost(Duration.ofSeconds(10)).until(a::leading);
    MasterServer b = master("m-b", journal);
    String standby = b.startDashboard(DashboardSettings.onPort(0)).url();
    assertThat(b.leading()).isFalse();
    // waits for an orchestrator that never comes: stays running
    String planId = a.submit(PlanCompiler.compileYaml(DashboardApiTest.YAML), 1.0);

    Struct session = DashboardApiTest.struct(send("GET", standby + "api/session").body());
    assertThat(session.getFieldsOrThrow("mode").getStringValue()).isEqualTo("standby");
    assertThat(session.getFieldsOrThrow("readOnly").getBoolValue()).isTrue();
    assertThat(session.getFieldsOrThrow("leader").getStringValue()).isEqualTo(a.address());
    assertThat(session.getFieldsOrThrow("masterId").getStringValue()).isEqualTo("m-b");

    await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", standby + "api/plans/" + planId).statusCode() == 200);
    var plan = DashboardApiTest.parse(send("GET", standby + "api/plans/" + planId).body(), GetPlanResponse.newBuilder());
    assertThat(plan.getStatus().getPlanId()).isEqualTo(planId);
    assertThat(send("GET", standby + "api/plans").body()).contains(planId);

    var refused = send("POST", standby + "api/plans/" + planId + "/cancel");
    assertThat(refused.statusCode()).isEqualTo(409);
    Struct error = DashboardApiTest.struct(refused.body());
    assertThat(error.getFieldsOrThrow("error").getStringValue())
        .isEqualTo("master m-b is a standby and serves the dashboard read-only; cancel plan " + planId
            + " at the leader " + a.address());
    assertThat(error.getFieldsOrThrow("leader").getStringValue()).isEqualTo(a.address());
    assertThat(a.store().status(planId).orElseThrow().getState()).isNotEqualTo(dev.baton.v1.PlanState.PLAN_STATE_CANCELLED);

    a.close();
    await().atMost(Duration.ofSeconds(30)).until(b::leading);
    Struct now = DashboardApiTest.struct(send("GET", standby + "api/session").body());
    assertThat(now.getFieldsOrThrow("mode").getStringValue()).isEqualTo("leader");
    assertThat(send("POST", standby + "api/plans/" + planId + "/cancel").statusCode()).isEqualTo(200);
  }
}
