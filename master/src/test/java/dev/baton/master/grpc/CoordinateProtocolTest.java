package dev.baton.master.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.baton.master.registry.EmbeddedRegistry;
import dev.baton.runtime.coordination.CoordinationClient;
import dev.baton.runtime.coordination.Messages;
import dev.baton.runtime.server.BatonException;
import dev.baton.runtime.server.GrpcServer;
import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CoordinationGrpc;
import dev.baton.v1.CrossOrchestratorMessage;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.MessageType;
import dev.baton.v1.Priority;
import dev.baton.v1.Register;
import dev.baton.v1.SharedState;
import dev.baton.v1.Specialization;
import dev.baton.v1.SubOrchestratorDescriptor;
import dev.baton.v1.SyncNotify;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Coordinate protocol between a real CoordinationService and real clients over Netty on localhost. */
class CoordinateProtocolTest {
  static final String MASTER_ID = "master-test";
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final List<AutoCloseable> closing = new ArrayList<>();
  private EmbeddedRegistry registry;
  private CoordinationService service;
  private GrpcServer server;

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    scheduler.shutdownNow();
  }

  private void master(int bufferCapacity) {
    registry = new EmbeddedRegistry(Clock.systemUTC(), Duration.ofSeconds(1), Duration.ofSeconds(5));
    service = new CoordinationService(registry, null, MASTER_ID, Duration.ofSeconds(1),
        new CoordinationService.Settings(bufferCapacity, Duration.ofMinutes(1)), scheduler, Clock.systemUTC());
    server = GrpcServer.start("127.0.0.1", 0, List.of(service));
    closing.add(server);
  }

  static SubOrchestratorDescriptor descriptor(String id, String address) {
    return SubOrchestratorDescriptor.newBuilder().setId(id).setAddress(address)
        .setSpecialization(Specialization.newBuilder().setDomain("backend")).build();
  }

  /** A client that records the messages the master relays to it. */
  private CoordinationClient client(String id, String masterAddress, List<CrossOrchestratorMessage> received) {
    CoordinationClient c = new CoordinationClient(
        new CoordinationClient.Settings(masterAddress, id, Duration.ofMillis(200), Duration.ofMillis(20), Duration.ofMillis(200)),
        new CoordinationClient.Handler() {
          @Override
          public SubOrchestratorDescriptor descriptor() {
            return CoordinateProtocolTest.descriptor(id, "127.0.0.1:1");
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
            received.add(message);
          }
        }, scheduler, Clock.systemUTC(), new Random(7));
    closing.add(c);
    c.start();
    return c;
  }

  static CrossOrchestratorMessage numbered(String to, int n) {
    return Messages.message(MessageType.MESSAGE_TYPE_INTEGRATION_POINT, "", to, "n-" + n,
        Struct.getDefaultInstance(), Priority.PRIORITY_MEDIUM, Clock.systemUTC()).build();
  }

  static List<String> subjects(List<CrossOrchestratorMessage> messages) {
    return messages.stream().map(m -> m.getPayload().getSubject()).toList();
  }

  static List<String> expected(int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> "n-" + i).toList();
  }

  @Test
  void framesArriveInOrderBothWaysAndAreAcknowledged() {
    master(1024);
    List<CrossOrchestratorMessage> down = new CopyOnWriteArrayList<>();
    List<CrossOrchestratorMessage> up = new CopyOnWriteArrayList<>();
    service.addListener(m -> {
      up.add(m);
      return null;
    });
    CoordinationClient c = client("backend-a", server.address(), down);
    await().atMost(Duration.ofSeconds(5)).until(c::registered);

    for (int i = 1; i <= 200; i++) {
      service.send(numbered("backend-a", i));
      c.send(numbered(Messages.MASTER, i));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> down.size() >= 200 && up.size() >= 200);
    assertThat(subjects(down)).containsExactlyElementsOf(expected(200));
    assertThat(subjects(up)).containsExactlyElementsOf(expected(200));
    assertThat(down).allMatch(m -> m.getRelayedBy().equals(MASTER_ID) && m.getFromOrchestrator().equals(Messages.MASTER));
    assertThat(up).allMatch(m -> m.getFromOrchestrator().equals("backend-a") && m.hasTimestamp());
    // Cumulative acknowledgements empty both buffers.
    await().atMost(Duration.ofSeconds(5)).until(() -> c.buffered() == 0 && service.buffered("backend-a") == 0);
  }

  @Test
  void resumesAfterCutStreamsWithNothingLostOrRepeated() {
    master(1024);
    TcpProxy proxy = new TcpProxy(server.address());
    closing.add(proxy);
    List<CrossOrchestratorMessage> down = new CopyOnWriteArrayList<>();
    List<CrossOrchestratorMessage> up = new CopyOnWriteArrayList<>();
    service.addListener(m -> {
      up.add(m);
      return null;
    });
    CoordinationClient c = client("backend-a", proxy.address(), down);
    await().atMost(Duration.ofSeconds(5)).until(c::registered);
    String session = c.sessionId();

    int total = 600;
    for (int i = 1; i <= total; i++) {
      service.send(numbered("backend-a", i));
      c.send(numbered(Messages.MASTER, i));
      if (i % 150 == 0) {
        proxy.cut(); // frames in flight in either direction are lost with the connection
      }
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> down.size() >= total && up.size() >= total);
    assertThat(subjects(down)).containsExactlyElementsOf(expected(total));
    assertThat(subjects(up)).containsExactlyElementsOf(expected(total));
    assertThat(c.resumptions()).isGreaterThanOrEqualTo(1);
    assertThat(c.sessionId()).isEqualTo(session);
    await().atMost(Duration.ofSeconds(5)).until(() -> c.buffered() == 0 && service.buffered("backend-a") == 0);
  }

  @Test
  void requestWithoutAnswerFailsWithATimeoutNamingPeerAndSubject() {
    master(1024);
    CoordinationClient c = client("backend-a", server.address(), new CopyOnWriteArrayList<>());
    await().atMost(Duration.ofSeconds(5)).until(c::registered);

    CompletableFuture<CrossOrchestratorMessage> response = service.request(
        Messages.message(MessageType.MESSAGE_TYPE_SYNC_REQUEST, "", "backend-a", "api.version",
            Struct.getDefaultInstance(), Priority.PRIORITY_HIGH, Clock.systemUTC()).build(),
        Duration.ofMillis(300));

    assertThat(response).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingCause().isInstanceOf(BatonException.class)
        .withMessageContaining("backend-a").withMessageContaining("api.version")
        .withMessageContaining("sync_request");
    assertThat(((BatonException) causeOf(response)).code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
  }

  @Test
  void requestToAnUnknownOrchestratorFailsAtOnceWithTheMastersError() {
    master(1024);
    CompletableFuture<CrossOrchestratorMessage> response = service.request(
        numbered("nobody-1", 1), Duration.ofSeconds(30));
    assertThat(response).failsWithin(Duration.ofSeconds(2)).withThrowableThat()
        .withMessageContaining("no orchestrator 'nobody-1'");
  }

  private static Throwable causeOf(CompletableFuture<?> f) {
    try {
      f.get();
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aClientThatStopsReadingHoldsAtMostTheBoundThenItsSessionIsReset() throws Exception {
    int capacity = 64;
    master(capacity);
    ManagedChannel channel = NettyChannelBuilder.forTarget(server.address()).usePlaintext().build();
    closing.add(channel::shutdownNow);
    AtomicInteger received = new AtomicInteger();
    AtomicReference<Status> ended = new AtomicReference<>();
    AtomicReference<ClientCallStreamObserver<CoordinateRequest>> call = new AtomicReference<>();
    var up = CoordinationGrpc.newStub(channel).coordinate(new ClientResponseObserver<CoordinateRequest, CoordinateResponse>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<CoordinateRequest> requests) {
        requests.disableAutoRequestWithInitial(1); // takes Registered, then stops reading
        call.set(requests);
      }

      @Override
      public void onNext(CoordinateResponse value) {
        received.incrementAndGet();
      }

      @Override
      public void onError(Throwable t) {
        ended.set(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended.set(Status.OK);
      }
    });
    up.onNext(CoordinateRequest.newBuilder().setRegister(Register.newBuilder()
        .setOrchestrator(descriptor("slow-1", "127.0.0.1:1")).setProtocol(1)).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.sink("slow-1").isPresent());

    Struct big = Struct.newBuilder().putFields("blob", Value.newBuilder()
        .setStringValue(ByteString.copyFrom(new byte[32 * 1024]).toStringUtf8()).build()).build();
    int sent = 0;
    while (service.sessionId("slow-1").isPresent() && sent < 10 * capacity) {
      service.send(Messages.message(MessageType.MESSAGE_TYPE_DEPENDENCY_UPDATE, "", "slow-1", "blob",
          big, Priority.PRIORITY_LOW, Clock.systemUTC()).build());
      sent++;
      assertThat(service.buffered("slow-1")).isLessThanOrEqualTo(capacity);
    }

    // The documented policy: the master never holds more than the bound, then resets the session.
    // The Peers frame queued right after Registered (the peers as they were then) holds one place.
    assertThat(sent).isEqualTo(capacity);
    assertThat(service.sessionId("slow-1")).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.sink("slow-1").isEmpty());
    assertThat(received.get()).isEqualTo(1);
    // Reading again, the client drains what the transport held and then sees why it was cut off.
    call.get().request(Integer.MAX_VALUE);
    await().atMost(Duration.ofSeconds(5)).until(() -> ended.get() != null);
    assertThat(ended.get().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(ended.get().getDescription()).contains("slow-1").contains("unacknowledged");
    assertThat(received.get()).isLessThanOrEqualTo(1 + capacity);
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.sink("slow-1").isEmpty());
  }

  @Test
  void aClientBlocksThenFailsWhenTheMasterStopsAcknowledging() {
    master(1024);
    AtomicReference<Status> unused = new AtomicReference<>();
    // A client whose buffer is tiny, dialling a master that answers Registered but never acknowledges:
    // a legacy-protocol fake below the client stands in for a master that stopped reading.
    CoordinationClient c = new CoordinationClient(
        new CoordinationClient.Settings("127.0.0.1:1", "backend-z", Duration.ofSeconds(1), Duration.ofMillis(20),
            Duration.ofMillis(200)).withBuffer(3, Duration.ofMillis(100)),
        new CoordinationClient.Handler() {
          @Override
          public SubOrchestratorDescriptor descriptor() {
            return CoordinateProtocolTest.descriptor("backend-z", "127.0.0.1:1");
          }

          @Override
          public LoadMetrics load() {
            return LoadMetrics.getDefaultInstance();
          }

          @Override
          public SharedState sharedState(SyncNotify notify) {
            return SharedState.getDefaultInstance();
          }
        }, scheduler, Clock.systemUTC(), new Random(1));
    closing.add(c);
    c.start(); // nothing listens on port 1: nothing is ever acknowledged
    for (int i = 1; i <= 3; i++) {
      c.send(numbered(Messages.MASTER, i));
    }
    long before = System.nanoTime();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.send(numbered(Messages.MASTER, 4)))
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("3 frames").hasMessageContaining("unacknowledged");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).isGreaterThanOrEqualTo(90);
    assertThat(c.buffered()).isEqualTo(3);
    assertThat(unused.get()).isNull();
  }
}
