package dev.baton.runtime.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CrossOrchestratorMessage;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.MessageType;
import dev.baton.v1.SharedDocument;
import dev.baton.v1.SharedState;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SyncNotify;
import dev.baton.v1.SyncRelease;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoordinationClientTest {
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final AtomicInteger loads = new AtomicInteger();
  private FakeMaster master;
  private CoordinationClient client;

  /** What the handler was given: the client itself keeps nothing (a long-running instance must not grow). */
  private final List<SyncRelease> releases = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<CrossOrchestratorMessage> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Boolean> registrations = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final CoordinationClient.Handler handler = new CoordinationClient.Handler() {
    @Override
    public void onRelease(SyncRelease release) {
      releases.add(release);
    }

    @Override
    public void onMessage(CrossOrchestratorMessage message) {
      messages.add(message);
    }

    @Override
    public void onRegistration(boolean registered) {
      registrations.add(registered);
    }

    @Override
    public SubOrchestratorDescriptor descriptor() {
      return SubOrchestratorDescriptor.newBuilder().setId("backend-orchestrator-abc123").setRole("sub_orchestrator").build();
    }

    @Override
    public LoadMetrics load() {
      return LoadMetrics.newBuilder().setCurrentTasks(loads.incrementAndGet()).setMaxConcurrentTasks(5).build();
    }

    @Override
    public SharedState sharedState(SyncNotify notify) {
      return SharedState.newBuilder().setDomain("backend").setInstanceId("backend-orchestrator-abc123")
          .addDocuments(SharedDocument.newBuilder().setKind("api_implementation").setName("api/openapi.yaml")
              .setProducedByTask(notify.getAfter(0)))
          .addCompletedTasks(notify.getAfter(0))
          .build();
    }
  };

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (master != null) {
      master.close();
    }
    scheduler.shutdownNow();
  }

  private CoordinationClient client(String address) {
    client = new CoordinationClient(
        new CoordinationClient.Settings(address, "backend-orchestrator-abc123", Duration.ofMillis(50),
            Duration.ofMillis(20), Duration.ofMillis(200)),
        handler, scheduler, Clock.systemUTC(), new Random(42));
    client.start();
    return client;
  }

  @Test
  void registersFirstThenHeartbeatsWithLoad() {
    master = FakeMaster.start(List.of("frontend-orchestrator-1", "backend-orchestrator-abc123"));
    client(master.address());

    await().atMost(Duration.ofSeconds(5)).until(() -> master.count(CoordinateRequest.BodyCase.HEARTBEAT) >= 3);
    // Heartbeats keep arriving: judge one snapshot (a subList of the live list would fail on the next).
    List<CoordinateRequest> frames = List.copyOf(master.frames);
    assertThat(frames.get(0).getRegister().getOrchestrator().getId()).isEqualTo("backend-orchestrator-abc123");
    assertThat(frames.subList(1, frames.size()))
        .allMatch(f -> f.getBodyCase() == CoordinateRequest.BodyCase.HEARTBEAT);
    assertThat(frames.get(1).getHeartbeat().getInstanceId()).isEqualTo("backend-orchestrator-abc123");
    assertThat(frames.get(1).getHeartbeat().getLoad().getMaxConcurrentTasks()).isEqualTo(5);
    await().until(client::registered);
    assertThat(client.lastRegistered().orElseThrow().getPeersList()).contains("frontend-orchestrator-1");
  }

  @Test
  void answersSyncNotifyWithItsSharedStateAndRecordsTheRelease() {
    master = FakeMaster.start(List.of());
    client(master.address());
    await().until(client::registered);

    master.sendToAll(CoordinateResponse.newBuilder().setSyncNotify(SyncNotify.newBuilder()
        .setPlanId("shop").setSyncPoint("API Contract Agreement").addAfter("product-api-design")).build());

    await().atMost(Duration.ofSeconds(5)).until(() -> master.count(CoordinateRequest.BodyCase.SYNC_ARRIVAL) == 1);
    var arrival = master.frames.stream().filter(CoordinateRequest::hasSyncArrival).findFirst().orElseThrow().getSyncArrival();
    assertThat(arrival.getPlanId()).isEqualTo("shop");
    assertThat(arrival.getSyncPoint()).isEqualTo("API Contract Agreement");
    assertThat(arrival.getState().getDocuments(0).getKind()).isEqualTo("api_implementation");
    assertThat(arrival.getState().getCompletedTasksList()).containsExactly("product-api-design");

    master.sendToAll(CoordinateResponse.newBuilder().setSyncRelease(SyncRelease.newBuilder()
        .setPlanId("shop").setSyncPoint("API Contract Agreement")).build());
    master.sendToAll(CoordinateResponse.newBuilder().setMessage(CrossOrchestratorMessage.newBuilder()
        .setType(MessageType.MESSAGE_TYPE_DEPENDENCY_UPDATE).setFromOrchestrator("master")).build());
    await().until(() -> releases.size() == 1 && messages.size() == 1);
    assertThat(releases.get(0).getSyncPoint()).isEqualTo("API Contract Agreement");
  }

  @Test
  void reconnectsAndRegistersAgainAfterTheMasterRestarts() {
    master = FakeMaster.start(List.of());
    client(master.address());
    await().until(() -> client.registrations() == 1);

    master.restart();

    await().atMost(Duration.ofSeconds(10)).until(() -> client.registrations() == 2);
    await().until(() -> master.count(CoordinateRequest.BodyCase.HEARTBEAT) >= 1);
    assertThat(master.frames.get(0).hasRegister()).isTrue();
    // The handler heard each change: registered, lost with the master, registered again.
    await().until(() -> registrations.size() >= 3);
    assertThat(registrations.subList(0, 3)).containsExactly(true, false, true);
  }

  @Test
  void waitsForAMasterThatStartsLater() {
    int port = FakeMaster.freePort();
    client("127.0.0.1:" + port);
    // Several dials fail while nobody listens.
    await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !client.registered());

    master = FakeMaster.startOn(port, List.of());

    await().atMost(Duration.ofSeconds(10)).until(client::registered);
    assertThat(master.frames.get(0).hasRegister()).isTrue();
  }
}
