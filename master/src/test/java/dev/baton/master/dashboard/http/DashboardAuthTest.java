package dev.baton.master.dashboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.runtime.security.BearerToken;
import dev.baton.runtime.security.ClientSecurity;
import dev.baton.runtime.security.Security;
import dev.baton.runtime.security.ServerSecurity;
import dev.baton.runtime.security.auth.AuthSettings;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.SubmitPlanRequest;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's authentication and roles on a master with a callers file (tokens), over real
 * HTTP: 401 without credentials, bearer header and cookie login/logout, viewer reads but cannot
 * cancel, a submitter cancels its own plan and not another's, an admin any.
 */
class DashboardAuthTest {
  @TempDir Path dir;
  private MasterServer master;
  private String base;
  private final List<ManagedChannel> channels = new java.util.ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    Path callers = dir.resolve("callers.yaml");
    Files.writeString(callers, "callers:\n"
        + caller("alice", "submitter") + caller("bob", "submitter") + caller("vera", "viewer") + caller("root", "admin"));
    ServerSecurity server = new ServerSecurity(InsecureServerCredentials.create(),
        new AuthSettings("baton", callers, null).interceptors(), false);
    // The plans wait for an orchestrator that never comes: they stay running, to be cancelled.
    master = MasterServer.start(MasterConfig.builder().instanceWait(Duration.ofMinutes(5)).gitPort(-1)
        .security(new Security(server, ClientSecurity.plaintext())).build());
    base = master.startDashboard(DashboardSettings.onPort(0)).url();
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    master.close();
  }

  private static String caller(String name, String role) throws Exception {
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest((name + "-token").getBytes(StandardCharsets.UTF_8)));
    return "  - subject: " + name + "\n    roles: [" + role + "]\n    token_sha256: " + sha + "\n";
  }

  private String submitAs(String name) {
    ManagedChannel c = NettyChannelBuilder.forTarget(master.address()).usePlaintext().build();
    channels.add(c);
    return MasterGrpc.newBlockingStub(c).withCallCredentials(new BearerToken(name + "-token"))
        .submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(DashboardApiTest.YAML).build()).getPlanId();
  }

  private HttpResponse<String> send(String method, String path, String token, Map<String, String> headers, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path.substring(1)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> cancel(String plan, String token) throws Exception {
    return send("POST", "/api/plans/" + plan + "/cancel", token, Map.of("X-Baton-Request", "1"), "");
  }

  @Test
  void withoutCredentialsEveryApiAnswers401AndAnUnknownToken401Too() throws Exception {
    for (String path : List.of("/api/session", "/api/plans", "/api/dashboard", "/api/plans/p-1",
        "/api/plans/p-1/events", "/api/stream/plans", "/api/stream/dashboard")) {
      var r = send("GET", path, null, Map.of(), null);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(DashboardApiTest.struct(r.body()).getFieldsOrThrow("code").getStringValue()).isEqualTo("UNAUTHENTICATED");
      assertThat(r.body()).contains("needs credentials");
    }
    var unknown = send("GET", "/api/plans", "nobody-token", Map.of(), null);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.body()).contains("the bearer token is not one this server knows");
    // the page itself loads (it shows its token form on the API's 401)
    assertThat(send("GET", "/", null, Map.of(), null).statusCode()).isEqualTo(200);
  }

  @Test
  void aCookieFromLoginAuthenticatesUntilLogout() throws Exception {
    var bad = send("POST", "/api/login", null, Map.of(), "{\"token\":\"wrong-token\"}");
    assertThat(bad.statusCode()).isEqualTo(401);
    var login = send("POST", "/api/login", null, Map.of(), "{\"token\":\"vera-token\"}");
    assertThat(login.statusCode()).isEqualTo(204);
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith("baton_token=vera-token;").contains("HttpOnly").contains("SameSite=Strict")
        .doesNotContain("Secure"); // plaintext loopback: a Secure cookie would never come back
    String pair = cookie.substring(0, cookie.indexOf(';'));
    var session = send("GET", "/api/session", null, Map.of("Cookie", "theme=dark; " + pair), null);
    assertThat(session.statusCode()).isEqualTo(200);
    var s = DashboardApiTest.struct(session.body());
    assertThat(s.getFieldsOrThrow("caller").getStringValue()).isEqualTo("vera");
    assertThat(s.getFieldsOrThrow("roles").getListValue().getValuesList()).extracting(v -> v.getStringValue())
        .containsExactly("viewer");
    var logout = send("POST", "/api/logout", null, Map.of("Cookie", pair), "");
    assertThat(logout.statusCode()).isEqualTo(204);
    assertThat(logout.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("baton_token=;").contains("Max-Age=0");
  }

  @Test
  void aViewerReadsButCannotCancelASubmitterCancelsOnlyItsOwnAnAdminAny() throws Exception {
    String alices = submitAs("alice");
    String bobs = submitAs("bob");
    assertThat(send("GET", "/api/plans/" + alices, "vera-token", Map.of(), null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/plans", "vera-token", Map.of(), null).body()).contains(alices, bobs);

    var viewer = cancel(alices, "vera-token");
    assertThat(viewer.statusCode()).isEqualTo(403);
    assertThat(viewer.body()).contains("PERMISSION_DENIED").contains("needs role").contains("vera has viewer");

    var notHers = cancel(bobs, "alice-token");
    assertThat(notHers.statusCode()).isEqualTo(403);
    assertThat(notHers.body()).contains("needs role admin, or to be its submitter (bob); alice is neither");

    assertThat(cancel(alices, "alice-token").statusCode()).isEqualTo(200);
    assertThat(cancel(bobs, "root-token").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> List.of(alices, bobs).stream().allMatch(id ->
        master.store().status(id).map(st -> st.getState() == dev.baton.v1.PlanState.PLAN_STATE_CANCELLED).orElse(false)));
  }
}
