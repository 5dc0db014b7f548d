package dev.baton.master.dashboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.v1.GetPlanResponse;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.ListPlansResponse;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.SubmitPlanRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's JSON and SSE API over real HTTP on loopback, against a real open master (Netty)
 * with a fake backend sub-orchestrator: shapes, replay then live, resume, streams, bad input.
 */
class DashboardApiTest {
  static final String YAML = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata:
        name: tiny
      spec:
        tasks:
          - id: api
            description: Build the product API
            orchestrator: backend
            estimate: 1m
          - id: tests
            description: Test the product API
            orchestrator: backend
            estimate: 1m
            dependsOn: [api]
      """;
  static final Duration WAIT = Duration.ofSeconds(20);

  private MasterServer master;
  private ManagedChannel channel;
  private MasterGrpc.MasterBlockingStub stub;
  private FakeSubOrchestrator backend;
  private String base;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    master = MasterServer.start(MasterConfig.builder().instanceWait(Duration.ofSeconds(5)).gitPort(-1).build());
    base = master.startDashboard(DashboardSettings.onPort(0).withKeepalive(Duration.ofMillis(300))).url();
    channel = NettyChannelBuilder.forTarget(master.address()).usePlaintext().build();
    stub = MasterGrpc.newBlockingStub(channel);
    backend = FakeSubOrchestrator.start("backend-1", "backend", 2, master.address());
    await().atMost(WAIT).until(() -> !stub.listOrchestrators(ListOrchestratorsRequest.getDefaultInstance())
        .getInstancesList().isEmpty());
  }

  @AfterEach
  void stop() {
    backend.close();
    channel.shutdownNow();
    master.close();
  }

  private String submit() {
    return stub.submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(YAML).setTimeScale(0.001).build()).getPlanId();
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path.substring(1))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path.substring(1)))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static <T extends Message.Builder> T parse(String json, T builder) throws Exception {
    JsonFormat.parser().merge(json, builder);
    return builder;
  }

  static Struct struct(String json) throws Exception {
    return parse(json, Struct.newBuilder()).build();
  }

  @Test
  void sessionOfAnOpenLeaderTrustsTheCallerWithEveryPersonsRole() throws Exception {
    var r = get("/api/session");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
    Struct s = struct(r.body());
    assertThat(s.getFieldsOrThrow("caller").getStringValue()).isEqualTo("local");
    assertThat(s.getFieldsOrThrow("roles").getListValue().getValuesList()).extracting(v -> v.getStringValue())
        .contains("admin", "submitter", "viewer");
    assertThat(s.getFieldsOrThrow("mode").getStringValue()).isEqualTo("leader");
    assertThat(s.getFieldsOrThrow("readOnly").getBoolValue()).isFalse();
    assertThat(s.getFieldsOrThrow("masterId").getStringValue()).isEqualTo("master");
    assertThat(s.getFieldsOrThrow("leader").getStringValue()).isEqualTo(master.address());
  }

  @Test
  void listsPlansAndAnswersAPlansStatusAsProtobufJson() throws Exception {
    String id = submit();
    await().atMost(WAIT).until(() -> master.store().status(id).map(s -> s.getState() == PlanState.PLAN_STATE_SUCCEEDED)
        .orElse(false));
    var list = parse(get("/api/plans").body(), ListPlansResponse.newBuilder()).build();
    assertThat(list.getPlansList()).extracting(p -> p.getPlanId()).containsExactly(id);
    var plan = get("/api/plans/" + id);
    assertThat(plan.statusCode()).isEqualTo(200);
    // every field printed, int64 as strings, enums by name
    assertThat(plan.body()).contains("\"state\":\"PLAN_STATE_SUCCEEDED\"").contains("\"lastSequence\":\"");
    var status = parse(plan.body(), GetPlanResponse.newBuilder()).build().getStatus();
    assertThat(status.getTasksList()).extracting(t -> t.getId()).containsExactlyInAnyOrder("api", "tests");
    assertThat(status).isEqualTo(master.store().status(id).orElseThrow());
  }

  @Test
  void eventsReplayTheJournalInOrderThenGoLiveAndEndAfterPlanFinished() throws Exception {
    backend.withholdAnswers(); // the plan waits on its first task until answer()
    String id = submit();
    await().atMost(WAIT).until(() -> backend.delegateCalls.get() > 0);
    List<PlanEvent> seen = new ArrayList<>();
    try (SseClient sse = SseClient.open(http, base + "api/plans/" + id + "/events?after=0", Map.of())) {
      assertThat(sse.response.statusCode()).isEqualTo(200);
      assertThat(sse.response.headers().firstValue("Content-Type")).hasValueSatisfying(
          v -> assertThat(v).startsWith("text/event-stream"));
      long replayed = master.store().read(id, 0).size();
      while (seen.size() < replayed) {
        seen.add(event(sse.nextEvent(WAIT)));
      }
      // idle while the task is held: keepalive comments come, no events
      assertThat(sse.next(WAIT).event()).isEqualTo(":comment");
      backend.answer();
      SseClient.Event e;
      while (!(e = sse.nextEvent(WAIT)).event().equals("end")) {
        seen.add(event(e));
      }
      assertThat(sse.next(WAIT)).isEqualTo(SseClient.CLOSED);
    }
    assertThat(seen.get(seen.size() - 1).hasPlanFinished()).isTrue();
    assertThat(seen).isEqualTo(master.store().read(id, 0));
    assertThat(seen.size()).isGreaterThan(5); // it checked something
  }

  @Test
  void lastEventIdResumesAfterThatEventAndAFinishedPlanEndsAtOnce() throws Exception {
    String id = submit();
    await().atMost(WAIT).until(() -> master.store().status(id).map(s -> s.getState() == PlanState.PLAN_STATE_SUCCEEDED)
        .orElse(false));
    List<PlanEvent> all = master.store().read(id, 0);
    long middle = all.get(all.size() / 2).getSequence();
    List<PlanEvent> resumed = new ArrayList<>();
    try (SseClient sse = SseClient.open(http, base + "api/plans/" + id + "/events",
        Map.of("Last-Event-ID", Long.toString(middle)))) {
      SseClient.Event e;
      while (!(e = sse.nextEvent(WAIT)).event().equals("end")) {
        assertThat(e.id()).isEqualTo(Long.toString(event(e).getSequence()));
        resumed.add(event(e));
      }
    }
    assertThat(resumed).isEqualTo(master.store().read(id, middle));
    long last = all.get(all.size() - 1).getSequence();
    try (SseClient sse = SseClient.open(http, base + "api/plans/" + id + "/events?after=" + last, Map.of())) {
      assertThat(sse.nextEvent(WAIT).event()).isEqualTo("end");
    }
  }

  @Test
  void plansAndDashboardStreamsEmitAtOnceAndOnChange() throws Exception {
    try (SseClient plans = SseClient.open(http, base + "api/stream/plans", Map.of());
        SseClient dash = SseClient.open(http, base + "api/stream/dashboard", Map.of())) {
      SseClient.Event first = plans.nextEvent(WAIT);
      assertThat(first.event()).isEqualTo("plans");
      assertThat(parse(first.data(), ListPlansResponse.newBuilder()).getPlansList()).isEmpty();
      String id = submit();
      SseClient.Event changed = plans.nextEvent(WAIT);
      assertThat(parse(changed.data(), ListPlansResponse.newBuilder()).getPlansList())
          .extracting(p -> p.getPlanId()).containsExactly(id);

      SseClient.Event d = dash.nextEvent(WAIT);
      assertThat(d.event()).isEqualTo("dashboard");
      Struct s = struct(d.data());
      assertThat(s.getFieldsMap()).containsKeys("dashboard", "orchestrators");
      assertThat(d.data()).contains("backend-1");
      assertThat(dash.nextEvent(WAIT).event()).isEqualTo("dashboard"); // again a second later
    }
    var once = get("/api/dashboard");
    assertThat(once.statusCode()).isEqualTo(200);
    assertThat(struct(once.body()).getFieldsMap()).containsKeys("dashboard", "orchestrators");
  }

  @Test
  void badInputGetsOneLineErrorsNamingTheProblem() throws Exception {
    var unknown = get("/api/plans/no-such-plan");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(struct(unknown.body()).getFieldsOrThrow("code").getStringValue()).isEqualTo("NOT_FOUND");
    assertThat(struct(unknown.body()).getFieldsOrThrow("error").getStringValue()).contains("unknown plan id 'no-such-plan'");

    String id = submit();
    var badAfter = get("/api/plans/" + id + "/events?after=minus-one");
    assertThat(badAfter.statusCode()).isEqualTo(400);
    assertThat(badAfter.body()).contains("after: 'minus-one' (expected: an event sequence >= 0");
    var negative = get("/api/plans/" + id + "/events?after=-1");
    assertThat(negative.statusCode()).isEqualTo(400);

    var badId = get("/api/plans/bad%20id");
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(badId.body()).contains("plan id 'bad id' (expected: 1 to 128 characters");

    var noTask = get("/api/plans/" + id + "/tasks/nope");
    assertThat(noTask.statusCode()).isEqualTo(404);
    assertThat(noTask.body()).contains("has no task 'nope'");

    var noApi = get("/api/nothing-here");
    assertThat(noApi.statusCode()).isEqualTo(404);
    assertThat(noApi.body()).contains("no API at GET /api/nothing-here");

    var wrongMethod = post("/api/plans", "", Map.of());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);

    var huge = post("/api/login", "{\"token\":\"" + "x".repeat(9000) + "\"}", Map.of());
    assertThat(huge.statusCode()).isEqualTo(413);
    assertThat(huge.body()).contains("larger than 8192 bytes");
    var notJson = post("/api/login", "token=abc", Map.of());
    assertThat(notJson.statusCode()).isEqualTo(400);

    var noGuard = post("/api/plans/" + id + "/cancel", "", Map.of());
    assertThat(noGuard.statusCode()).isEqualTo(403);
    assertThat(noGuard.body()).contains("needs the header X-Baton-Request: 1");
    for (var r : List.of(unknown, badAfter, badId, noTask, noApi, wrongMethod, huge, notJson, noGuard)) {
      assertThat(r.body()).doesNotContain("\n");
      assertThat(r.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
    }
  }

  @Test
  void cancelsAPlanWithTheCsrfHeader() throws Exception {
    backend.withholdAnswers();
    String id = submit();
    var r = post("/api/plans/" + id + "/cancel", "{\"reason\":\"enough\"}", Map.of("X-Baton-Request", "1"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"status\":");
    await().atMost(WAIT).until(() -> master.store().status(id).map(s -> s.getState() == PlanState.PLAN_STATE_CANCELLED)
        .orElse(false));
  }

  @Test
  void aMissingWebBuildServesAPlainPageAndClientRoutesGetIndex() throws Exception {
    for (String path : List.of("/", "/plans/abc", "/plans/abc/tasks/api")) {
      var r = get(path);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
      boolean built = DashboardApiTest.class.getClassLoader().getResource(StaticFiles.ROOT + "index.html") != null;
      if (!built) {
        assertThat(r.body()).contains("has no web app build");
      }
    }
    var asset = get("/assets/none-such.js");
    assertThat(asset.statusCode()).isEqualTo(404);
  }

  private static PlanEvent event(SseClient.Event e) throws Exception {
    assertThat(e.event()).isEqualTo("plan-event");
    return parse(e.data(), PlanEvent.newBuilder()).build();
  }
}
