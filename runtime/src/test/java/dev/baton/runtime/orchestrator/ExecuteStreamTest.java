package dev.baton.runtime.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.coordination.FakeMaster;
import dev.baton.v1.CancelExecutionRequest;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.ExecuteAccepted;
import dev.baton.v1.ExecuteRejected;
import dev.baton.v1.ExecuteRequest;
import dev.baton.v1.ExecuteResponse;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.SimulationSpec;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.WatchExecutionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Execute stream against a real sub-orchestrator on Netty. */
class ExecuteStreamTest {
  @TempDir Path workspaces;
  private FakeMaster master;
  private SubOrchestratorServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    master = FakeMaster.start(List.of("sample-orchestrator-test"));
    server = SubOrchestratorServer.start(
        OrchestratorConfig.builder()
            .masterAddress(master.address())
            .instanceId("sample-orchestrator-test")
            .workspaceRoot(workspaces)
            .heartbeatInterval(Duration.ofMillis(200))
            .maxConcurrentTasks(4)
            .build(),
        Specialisations.find("sample"));
    channel = NettyChannelBuilder.forTarget(server.address()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
    master.close();
  }

  /** A client end of one Execute stream that records what arrives; reads only when told to if {@code manual}. */
  private final class Client implements ClientResponseObserver<ExecuteRequest, ExecuteResponse> {
    final List<ExecuteResponse> received = new CopyOnWriteArrayList<>();
    final boolean manual;
    volatile ClientCallStreamObserver<ExecuteRequest> call;
    volatile Throwable error;
    volatile boolean completed;

    Client(boolean manual) {
      this.manual = manual;
      SubOrchestratorGrpc.newStub(channel).execute(this);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ExecuteRequest> requestStream) {
      call = requestStream;
      if (manual) {
        requestStream.disableAutoRequestWithInitial(0);
      }
    }

    @Override
    public void onNext(ExecuteResponse value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completed = true;
    }

    synchronized void delegate(long callId, DelegationPackage pkg) {
      call.onNext(ExecuteRequest.newBuilder().setCallId(callId)
          .setDelegate(DelegateRequest.newBuilder().setPackage(pkg)).build());
    }

    synchronized void watch(long callId, String executionId) {
      call.onNext(ExecuteRequest.newBuilder().setCallId(callId)
          .setWatch(WatchExecutionRequest.newBuilder().setExecutionId(executionId)).build());
    }

    List<ExecuteAccepted> accepted() {
      return received.stream().filter(ExecuteResponse::hasAccepted).map(ExecuteResponse::getAccepted).toList();
    }

    List<ExecuteRejected> rejected() {
      return received.stream().filter(ExecuteResponse::hasRejected).map(ExecuteResponse::getRejected).toList();
    }

    /** Updates by execution, in arrival order. */
    Map<String, List<ExecutionUpdate>> updates() {
      Map<String, List<ExecutionUpdate>> byId = new LinkedHashMap<>();
      for (ExecuteResponse r : received) {
        if (r.hasUpdate()) {
          byId.computeIfAbsent(r.getUpdate().getExecutionId(), k -> new ArrayList<>()).add(r.getUpdate());
        }
      }
      return byId;
    }

    long terminals() {
      return received.stream().filter(r -> r.hasUpdate() && terminal(r.getUpdate().getState())).count();
    }
  }

  private static boolean terminal(ExecutionState s) {
    return s == ExecutionState.EXECUTION_STATE_SUCCEEDED || s == ExecutionState.EXECUTION_STATE_FAILED
        || s == ExecutionState.EXECUTION_STATE_CANCELLED;
  }

  private static DelegationPackage sim(String taskId, SimulationSpec spec) {
    return DelegationPackage.newBuilder().setPlanId("shop").setTaskId(taskId).setAttempt(1)
        .setTaskDescription("Design the product API").setSimulation(spec).build();
  }

  /** QUEUED < RUNNING < terminal: the order an execution's states may take. */
  private static int rank(ExecutionState s) {
    return switch (s) {
      case EXECUTION_STATE_QUEUED -> 0;
      case EXECUTION_STATE_RUNNING -> 1;
      default -> 2;
    };
  }

  private static void assertOrderedEndingTerminal(List<ExecutionUpdate> updates) {
    assertThat(updates).extracting(u -> rank(u.getState())).isSorted();
    assertThat(updates.stream().filter(u -> terminal(u.getState()))).hasSize(1);
    assertThat(updates.get(updates.size() - 1).getState()).isEqualTo(ExecutionState.EXECUTION_STATE_SUCCEEDED);
    List<ExecutionUpdate> running = updates.stream()
        .filter(u -> u.getState() == ExecutionState.EXECUTION_STATE_RUNNING).toList();
    assertThat(running).extracting(ExecutionUpdate::getProgress).isSorted();
  }

  @Test
  void multiplexesManyDelegationsEachAcceptedThenFollowedInOrderToItsEnd() {
    Client client = new Client(false);
    int tasks = 40;
    for (int i = 0; i < tasks; i++) {
      client.delegate(100 + i, sim("t" + i, SimulationSpec.newBuilder().setDurationMillis(20).build()));
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> client.terminals() == tasks);

    assertThat(client.accepted()).extracting(ExecuteAccepted::getCallId)
        .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.range(100, 100 + tasks).boxed().toList());
    assertThat(client.accepted()).allMatch(a -> a.getResponse().getCreated()
        && a.getResponse().getInstanceId().equals("sample-orchestrator-test"));
    Map<String, List<ExecutionUpdate>> updates = client.updates();
    assertThat(updates).hasSize(tasks);
    updates.values().forEach(ExecuteStreamTest::assertOrderedEndingTerminal);
    // with four slots, most tasks waited in the queue first
    assertThat(updates.values()).anyMatch(u -> u.get(0).getState() == ExecutionState.EXECUTION_STATE_QUEUED);
    // every execution's first update comes after its acceptance
    for (ExecuteAccepted a : client.accepted()) {
      int acceptedAt = client.received.indexOf(ExecuteResponse.newBuilder().setAccepted(a).build());
      int firstUpdate = indexOfFirstUpdate(client.received, a.getResponse().getExecutionId());
      assertThat(acceptedAt).isLessThan(firstUpdate);
    }
    assertThat(client.error).isNull();
  }

  private static int indexOfFirstUpdate(List<ExecuteResponse> received, String executionId) {
    for (int i = 0; i < received.size(); i++) {
      if (received.get(i).hasUpdate() && received.get(i).getUpdate().getExecutionId().equals(executionId)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void resentPackageReturnsTheSameExecutionAndItsEndOnce() {
    Client client = new Client(false);
    DelegationPackage task = sim("again", SimulationSpec.newBuilder().setDurationMillis(300).build());

    client.delegate(1, task);
    client.delegate(2, task);
    await().atMost(Duration.ofSeconds(10)).until(() -> client.terminals() == 1);

    assertThat(client.accepted()).hasSize(2);
    assertThat(client.accepted().get(0).getResponse().getCreated()).isTrue();
    assertThat(client.accepted().get(1).getResponse().getCreated()).isFalse();
    assertThat(client.accepted().get(1).getResponse().getExecutionId())
        .isEqualTo(client.accepted().get(0).getResponse().getExecutionId());
    assertThat(client.updates()).hasSize(1);
    assertOrderedEndingTerminal(client.updates().values().iterator().next());
    String again = client.accepted().get(0).getResponse().getExecutionId();
    // No second terminal follows: a duplicate would have been sent as the execution ended, so before
    // the server even read the next delegate; the stream is ordered, so once that later task's end
    // has arrived, everything sent before it has too.
    client.delegate(3, sim("later", SimulationSpec.newBuilder().setDurationMillis(1).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> client.updates().entrySet().stream()
        .anyMatch(e -> !e.getKey().equals(again) && e.getValue().stream().anyMatch(u -> terminal(u.getState()))));
    assertThat(client.updates().get(again)).filteredOn(u -> terminal(u.getState()))
        .as("terminal updates of the resent execution").hasSize(1);
  }

  @Test
  void streamEndLeavesTheExecutionRunningAndAWatchOnANewStreamReattaches() {
    Client first = new Client(false);
    first.delegate(1, sim("long", SimulationSpec.newBuilder().setDurationMillis(10).setHang(true).build()));
    await().atMost(Duration.ofSeconds(5)).until(() -> first.accepted().size() == 1);
    String executionId = first.accepted().get(0).getResponse().getExecutionId();

    first.call.cancel("master went away", null);
    await().atMost(Duration.ofSeconds(5)).until(() -> first.error != null);

    assertThat(server.load().getCurrentTasks()).isEqualTo(1);
    Client second = new Client(false);
    second.watch(7, executionId);
    await().atMost(Duration.ofSeconds(5)).until(() -> !second.updates().isEmpty());
    assertThat(second.updates().get(executionId).get(0).getState()).isEqualTo(ExecutionState.EXECUTION_STATE_RUNNING);

    SubOrchestratorGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).cancelExecution(
        CancelExecutionRequest.newBuilder().setExecutionId(executionId).setReason("test").build());

    await().atMost(Duration.ofSeconds(5)).until(() -> second.terminals() == 1);
    List<ExecutionUpdate> updates = second.updates().get(executionId);
    assertThat(updates.get(updates.size() - 1).getState()).isEqualTo(ExecutionState.EXECUTION_STATE_CANCELLED);
    // the first stream heard nothing after it ended
    assertThat(first.terminals()).isZero();
  }

  @Test
  void rejectsWithTheStatusDelegateWouldHaveReturned() {
    DelegationPackage unknownDroid = sim("t", SimulationSpec.getDefaultInstance()).toBuilder().setDroid("nobody").build();
    Status unary = Status.fromThrowable(org.assertj.core.api.Assertions.catchThrowable(() ->
        SubOrchestratorGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
            .delegate(DelegateRequest.newBuilder().setPackage(unknownDroid).build())));
    Client client = new Client(false);

    client.delegate(41, unknownDroid);
    client.delegate(42, unknownDroid.toBuilder().setDroid("").setAttempt(0).build());
    client.watch(43, "missing");
    await().atMost(Duration.ofSeconds(5)).until(() -> client.rejected().size() == 3);

    assertThat(unary.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    ExecuteRejected droid = client.rejected().stream().filter(r -> r.getCallId() == 41).findFirst().orElseThrow();
    assertThat(droid.getCode()).isEqualTo(unary.getCode().value());
    assertThat(droid.getMessage()).isEqualTo(unary.getDescription());
    assertThat(client.rejected()).filteredOn(r -> r.getCallId() == 42).singleElement().satisfies(r -> {
      assertThat(r.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
      assertThat(r.getMessage()).isEqualTo("package.attempt: 0 (expected: >= 1; 1 is the first try)");
    });
    assertThat(client.rejected()).filteredOn(r -> r.getCallId() == 43).singleElement()
        .satisfies(r -> assertThat(r.getCode()).isEqualTo(Status.Code.NOT_FOUND.value()));
    assertThat(client.accepted()).isEmpty();
    assertThat(client.error).isNull();
  }

  @Test
  void slowReaderStillGetsEveryTerminalUpdateInOrder() {
    Client client = new Client(true);
    int tasks = 300;
    String document = "x".repeat(2048);
    for (int i = 0; i < tasks; i++) {
      client.delegate(i, sim("slow" + i, SimulationSpec.newBuilder().setDurationMillis(0)
          .putDocuments("doc.txt", document).build()));
    }
    // The server finishes everything while the client reads nothing: far more than the transport's window.
    await().atMost(Duration.ofSeconds(30)).until(() -> server.load().getCompletedTasks() == tasks);
    assertThat(client.received).isEmpty();

    client.call.request(Integer.MAX_VALUE);

    await().atMost(Duration.ofSeconds(20)).until(() -> client.terminals() == tasks);
    assertThat(client.accepted()).hasSize(tasks);
    assertThat(client.updates()).hasSize(tasks);
    client.updates().values().forEach(ExecuteStreamTest::assertOrderedEndingTerminal);
    assertThat(client.updates().values())
        .allSatisfy(u -> assertThat(u.get(u.size() - 1).getResult().getDeliverables(0).getContent()).isEqualTo(document));
  }

  @Test
  void halfClosedStreamCompletesAfterTheLastTerminalUpdate() {
    Client client = new Client(false);
    client.delegate(1, sim("short", SimulationSpec.newBuilder().setDurationMillis(50).build()));
    client.call.onCompleted();

    await().atMost(Duration.ofSeconds(10)).until(() -> client.completed);
    assertThat(client.terminals()).isEqualTo(1);
  }

  @Test
  void unaryDelegateAndExecuteShareIdempotency() {
    DelegationPackage task = sim("shared", SimulationSpec.newBuilder().setDurationMillis(50).build());
    String viaUnary = SubOrchestratorGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .delegate(DelegateRequest.newBuilder().setPackage(task).build()).getExecutionId();
    Client client = new Client(false);

    client.delegate(9, task);

    await().atMost(Duration.ofSeconds(5)).until(() -> client.terminals() == 1);
    assertThat(client.accepted().get(0).getResponse().getExecutionId()).isEqualTo(viaUnary);
    assertThat(client.accepted().get(0).getResponse().getCreated()).isFalse();
  }
}
