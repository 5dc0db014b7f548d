package dev.baton.master.dashboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.plan.PlanCompiler;
import dev.baton.v1.GetPlanResponse;
import dev.baton.v1.PlanEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A plan of 10,000 tasks (the bound on a plan) through the dashboard's API: its status as one JSON
 * answer, its events replayed over SSE, and how soon a change (a cancel) reaches an open stream.
 * Prints the figures (docs/dashboard.md, "Figures"); the bounds asserted are loose, for slow machines.
 */
class DashboardScaleTest {
  private MasterServer master;
  private String base;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    // no orchestrator ever registers: the tasks wait, the plan stays running until cancelled
    master = MasterServer.start(MasterConfig.builder().instanceWait(Duration.ofMinutes(10)).gitPort(-1).build());
    base = master.startDashboard(DashboardSettings.onPort(0)).url();
  }

  @AfterEach
  void stop() {
    master.close();
  }

  static String planOf(int tasks) {
    StringBuilder b = new StringBuilder("""
        apiVersion: baton.dev/v1
        kind: Plan
        metadata: {name: ten-thousand}
        spec:
          strategy: parallel
          tasks:
        """);
    for (int i = 0; i < tasks; i++) {
      b.append("    - {id: t").append(i).append(", description: Part ").append(i)
          .append(", orchestrator: backend, estimate: 5m")
          .append(i == 0 ? "" : ", dependsOn: [t" + (i - 1) / 2 + "]").append("}\n");
    }
    return b.toString();
  }

  @Test
  void aTenThousandTaskPlansStatusEventsAndUpdatesStayFast() throws Exception {
    String id = master.submit(PlanCompiler.compileYaml(planOf(10_000)), 1.0);

    long t0 = System.nanoTime();
    HttpResponse<String> plan = http.send(HttpRequest.newBuilder(URI.create(base + "api/plans/" + id)).build(),
        HttpResponse.BodyHandlers.ofString());
    long getMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(plan.statusCode()).isEqualTo(200);
    assertThat(DashboardApiTest.parse(plan.body(), GetPlanResponse.newBuilder()).getStatus().getTasksCount())
        .isEqualTo(10_000);
    // what a browser gets: the same JSON, gzipped
    HttpResponse<byte[]> zipped = http.send(HttpRequest.newBuilder(URI.create(base + "api/plans/" + id))
        .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(zipped.headers().firstValue("Content-Encoding")).contains("gzip");
    byte[] unzipped = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body())).readAllBytes();
    assertThat(new String(unzipped, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(plan.body());

    long events = master.store().read(id, 0).size();
    long t1 = System.nanoTime();
    try (SseClient sse = SseClient.open(http, base + "api/plans/" + id + "/events?after=0", Map.of())) {
      for (long n = 0; n < events; n++) {
        assertThat(sse.nextEvent(Duration.ofSeconds(30)).event()).isEqualTo("plan-event");
      }
      long replayMillis = (System.nanoTime() - t1) / 1_000_000;

      long t2 = System.nanoTime();
      HttpResponse<String> cancel = http.send(HttpRequest.newBuilder(URI.create(base + "api/plans/" + id + "/cancel"))
          .header("X-Baton-Request", "1").POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(cancel.statusCode()).isEqualTo(200);
      long cancelMillis = (System.nanoTime() - t2) / 1_000_000;
      SseClient.Event e = sse.nextEvent(Duration.ofSeconds(30));
      // from the cancel's request to the arrival of its first event on the stream
      long updateMillis = (e.at() - t2) / 1_000_000;
      assertThat(DashboardApiTest.parse(e.data(), PlanEvent.newBuilder()).getSequence()).isGreaterThan(events);

      System.out.printf(Locale.ROOT, "dashboard API, 10,000-task plan: GET status %d ms (%d KiB, %d KiB gzipped), SSE replay of %d"
          + " events %d ms, POST cancel %d ms, cancel to its first event on the stream %d ms%n", getMillis,
          plan.body().length() / 1024, zipped.body().length / 1024, events, replayMillis, cancelMillis, updateMillis);
      assertThat(getMillis).isLessThan(10_000);
      assertThat(replayMillis).isLessThan(30_000);
      assertThat(updateMillis).isLessThan(10_000);
    }
  }
}
