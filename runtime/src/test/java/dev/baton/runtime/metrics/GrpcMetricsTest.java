package dev.baton.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.security.ClientSecurity;
import dev.baton.runtime.server.GrpcServer;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC's own instruments reach the process's /metrics: a real Netty server and channel built the
 * way every Baton server and channel is (GrpcServer, ClientSecurity), one call, one scrape over
 * HTTP. Installs process-wide (as a Baton process does); no other test in this JVM installs.
 */
class GrpcMetricsTest {
  private static final PrometheusMeterRegistry REGISTRY = MetricsPort.newRegistry();

  private GrpcServer server;
  private ManagedChannel channel;
  private MetricsPort port;

  @AfterEach
  void close() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
    if (port != null) {
      port.close();
    }
  }

  @Test
  void serverAndClientCallsAndTheJvmShowInTheScrape() throws Exception {
    ProcessMetrics.install(REGISTRY);
    server = GrpcServer.start("127.0.0.1", 0, List.of());
    channel = ClientSecurity.plaintext().nettyBuilder("127.0.0.1:" + server.port()).build();
    HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().build());
    port = MetricsPort.start("127.0.0.1", 0, REGISTRY);

    HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(port.url())).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    String text = scrape.body();
    assertThat(text).containsPattern(
        "grpc_server_call_duration_seconds_count\\{[^}]*grpc_method=\"grpc.health.v1.Health/Check\"[^}]*grpc_status=\"OK\"[^}]*} 1(\\.0)?\\n");
    assertThat(text).containsPattern(
        "grpc_client_attempt_duration_seconds_count\\{[^}]*grpc_method=\"grpc.health.v1.Health/Check\"[^}]*grpc_target=\"other\"[^}]*} 1(\\.0)?\\n");
    assertThat(text).contains("grpc_server_call_started_total{");
    assertThat(text).contains("jvm_memory_used_bytes{").contains("process_uptime_seconds");
    assertThat(text).as("no OpenTelemetry scope labels, no target_info").doesNotContain("otel_scope_name").doesNotContain("target_info");
  }

  @Test
  void aSecondRegistryIsRefusedByName() {
    GrpcMetrics.install(REGISTRY);
    GrpcMetrics.install(REGISTRY); // the same: idempotent
    assertThatThrownBy(() -> GrpcMetrics.install(MetricsPort.newRegistry()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("one /metrics per process");
  }
}
