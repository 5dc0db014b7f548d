package dev.baton.master.dashboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bounds on event streams: per caller and overall, 429 beyond, the slot given back on close. */
class DashboardLimitsTest {
  private MasterServer master;
  private DashboardServer dashboard;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    master = MasterServer.start(MasterConfig.builder().gitPort(-1).build());
    // an open master: every caller is "local", so the per-caller bound (2) is reached first
    dashboard = master.startDashboard(DashboardSettings.onPort(0).withStreams(3, 2).withKeepalive(Duration.ofMillis(200)));
  }

  @AfterEach
  void stop() {
    master.close();
  }

  @Test
  void aCallerOverItsStreamsGets429UntilItClosesOne() throws Exception {
    String url = dashboard.url() + "api/stream/plans";
    SseClient first = SseClient.open(http, url, Map.of());
    try (SseClient second = SseClient.open(http, dashboard.url() + "api/stream/dashboard", Map.of())) {
      assertThat(first.nextEvent(Duration.ofSeconds(10)).event()).isEqualTo("plans");
      assertThat(second.nextEvent(Duration.ofSeconds(10)).event()).isEqualTo("dashboard");
      try (SseClient third = SseClient.open(http, url, Map.of())) {
        assertThat(third.response.statusCode()).isEqualTo(429);
        assertThat(third.body()).contains("caller 'local' holds 2 dashboard event streams: the limit is 2 per caller")
            .contains("\"code\":\"RESOURCE_EXHAUSTED\"");
      }
      first.close();
      // the server sees the client gone at its next write (a tick or a keepalive) and gives the slot back
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
        try (SseClient again = SseClient.open(http, url, Map.of())) {
          return again.response.statusCode() == 200;
        }
      });
    } finally {
      first.close();
    }
  }
}
