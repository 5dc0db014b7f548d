package dev.baton.master.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.baton.master.registry.EmbeddedRegistry;
import dev.baton.runtime.coordination.CoordinationClient;
import dev.baton.runtime.coordination.Messages;
import dev.baton.runtime.coordination.Messenger;
import dev.baton.runtime.orchestrator.OrchestratorConfig;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.runtime.orchestrator.SubOrchestratorServer;
import dev.baton.runtime.server.GrpcServer;
import dev.baton.v1.CrossOrchestratorMessage;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.MessageType;
import dev.baton.v1.Priority;
import dev.baton.v1.SharedState;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SyncNotify;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer-to-peer messaging between real sub-orchestrators (a, b) and a peer with no reachable address
 * (c), all registered with a real CoordinationService over Netty.
 */
class PeerMessagingTest {
  @TempDir Path workspaces;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final List<AutoCloseable> closing = new ArrayList<>();
  private GrpcServer master;
  private SubOrchestratorServer a;
  private SubOrchestratorServer b;
  private Messenger c;
  private CoordinationService coordination;
  private final List<CrossOrchestratorMessage> atB = new CopyOnWriteArrayList<>();
  private final List<CrossOrchestratorMessage> atC = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    EmbeddedRegistry registry = new EmbeddedRegistry(Clock.systemUTC(), Duration.ofSeconds(1), Duration.ofSeconds(5));
    coordination = new CoordinationService(registry, null, "master-p",
        Duration.ofMillis(200), CoordinationService.Settings.DEFAULTS, scheduler, Clock.systemUTC());
    master = GrpcServer.start("127.0.0.1", 0, List.of(coordination));
    closing.add(master);
    a = sub("sample-a");
    b = sub("sample-b");
    // c advertises an address where nothing listens: no direct route to it.
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    String deadAddress = "127.0.0.1:" + dead;
    c = new Messenger("sample-c", Clock.systemUTC(), scheduler, Executors.newSingleThreadExecutor(), Duration.ofSeconds(1));
    closing.add(c);
    CoordinationClient client = new CoordinationClient(
        CoordinationClient.Settings.of(master.address(), "sample-c", Duration.ofMillis(200)),
        new CoordinationClient.Handler() {
          @Override
          public SubOrchestratorDescriptor descriptor() {
            return CoordinateProtocolTest.descriptor("sample-c", deadAddress);
          }

          @Override
          public LoadMetrics load() {
            return LoadMetrics.getDefaultInstance();
          }

          @Override
          public SharedState sharedState(SyncNotify notify) {
            return SharedState.getDefaultInstance();
          }

          @Override
          public void onMessage(CrossOrchestratorMessage message) {
            c.receive(message);
          }

          @Override
          public void onPeers(Map<String, String> peers) {
            c.updatePeers(peers);
          }
        }, scheduler, Clock.systemUTC(), new Random(3));
    c.attach(client);
    closing.add(client);
    client.start();
    b.subscribe("api.*", m -> {
      atB.add(m);
      return Struct.newBuilder().putFields("version", Value.newBuilder().setStringValue("v2").build()).build();
    });
    c.subscribe("api.*", m -> {
      atC.add(m);
      return Struct.newBuilder().putFields("seen", Value.newBuilder().setBoolValue(true).build()).build();
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> a.messenger().knownPeers().keySet().containsAll(List.of("sample-b", "sample-c"))
        && client.registered() && b.registered());
  }

  private SubOrchestratorServer sub(String id) {
    SubOrchestratorServer s = SubOrchestratorServer.start(OrchestratorConfig.builder()
        .masterAddress(master.address()).instanceId(id).workspaceRoot(workspaces)
        .heartbeatInterval(Duration.ofMillis(200)).build(), Specialisations.find("sample"));
    closing.add(s);
    return s;
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    scheduler.shutdownNow();
  }

  private static CrossOrchestratorMessage message(MessageType type, String to, String subject) {
    return Messages.message(type, "", to, subject, Struct.getDefaultInstance(), Priority.PRIORITY_HIGH,
        Clock.systemUTC()).build();
  }

  @Test
  void aRequestToAReachablePeerGoesDirectAndGetsItsResponse() {
    CrossOrchestratorMessage response = a.request(
        message(MessageType.MESSAGE_TYPE_SYNC_REQUEST, "sample-b", "api.schema"), Duration.ofSeconds(5)).join();

    assertThat(response.getResponse()).isTrue();
    assertThat(response.getFromOrchestrator()).isEqualTo("sample-b");
    assertThat(response.getPayload().getContent().getFieldsOrThrow("version").getStringValue()).isEqualTo("v2");
    assertThat(atB).singleElement().satisfies(m -> {
      assertThat(m.getRelayedBy()).isEmpty(); // came directly
      assertThat(m.getFromOrchestrator()).isEqualTo("sample-a");
      assertThat(m.getPayload().getRequiresResponse()).isTrue();
    });
    // The response can overtake the Deliver call's own reply, which is what counts the direct send.
    await().atMost(Duration.ofSeconds(5)).until(() -> a.messenger().directCount() == 1);
    assertThat(a.messenger().relayedCount()).isZero();
  }

  @Test
  void aPeerWithNoDirectRouteIsReachedThroughTheMastersRelay() {
    CrossOrchestratorMessage response = a.request(
        message(MessageType.MESSAGE_TYPE_INTEGRATION_POINT, "sample-c", "api.orders"), Duration.ofSeconds(5)).join();

    assertThat(response.getFromOrchestrator()).isEqualTo("sample-c");
    assertThat(response.getPayload().getContent().getFieldsOrThrow("seen").getBoolValue()).isTrue();
    assertThat(atC).singleElement().satisfies(m -> assertThat(m.getRelayedBy()).isEqualTo("master-p"));
    assertThat(a.messenger().relayedCount()).isEqualTo(1);
  }

  @Test
  void aPublishedDependencyUpdateReachesEverySubscriberOnceAndNotTheSender() {
    List<CrossOrchestratorMessage> atA = new CopyOnWriteArrayList<>();
    a.subscribe("api.*", m -> {
      atA.add(m);
      return null;
    });
    List<CrossOrchestratorMessage> unrelated = new CopyOnWriteArrayList<>();
    b.subscribe("deploy.config", m -> {
      unrelated.add(m);
      return null;
    });

    // Subscriptions travel on each subscriber's own stream: publish once the master holds them all.
    await().atMost(Duration.ofSeconds(5)).until(() -> coordination.subscribes("sample-b", "api.backend.version")
        && coordination.subscribes("sample-c", "api.backend.version")
        && coordination.subscribes("sample-a", "api.backend.version")
        && coordination.subscribes("sample-b", "deploy.config"));
    a.send(message(MessageType.MESSAGE_TYPE_DEPENDENCY_UPDATE, "", "api.backend.version")).join();

    await().atMost(Duration.ofSeconds(5)).until(() -> atB.size() == 1 && atC.size() == 1);
    assertThat(atB.get(0).getType()).isEqualTo(MessageType.MESSAGE_TYPE_DEPENDENCY_UPDATE);
    assertThat(atB.get(0).getFromOrchestrator()).isEqualTo("sample-a");
    assertThat(atA).isEmpty();
    assertThat(unrelated).isEmpty();
  }
}
