package dev.baton.runtime.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.coordination.FakeMaster;
import dev.baton.runtime.server.MasterEpoch;
import dev.baton.v1.CancelExecutionRequest;
import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DescribeRequest;
import dev.baton.v1.ExecuteRequest;
import dev.baton.v1.ExecuteResponse;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.HeldExecution;
import dev.baton.v1.ListDroidEventsRequest;
import dev.baton.v1.Register;
import dev.baton.v1.SimulationSpec;
import dev.baton.v1.SubOrchestratorGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sub-orchestrator across a master take-over: it keeps working while no master is reachable,
 * reports what it holds when it registers again, and refuses a master older than one it heard.
 */
class TakeOverTest {
  @TempDir Path workspaces;
  private FakeMaster master;
  private int masterPort;
  private SubOrchestratorServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    master = FakeMaster.start(List.of());
    masterPort = Integer.parseInt(master.address().substring(master.address().lastIndexOf(':') + 1));
    server = SubOrchestratorServer.start(
        OrchestratorConfig.builder()
            .masterAddress(master.address())
            .instanceId("sample-orchestrator-takeover")
            .workspaceRoot(workspaces)
            .heartbeatInterval(Duration.ofMillis(100))
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

  /** A stub whose calls carry {@code epoch} (0: no header). */
  private SubOrchestratorGrpc.SubOrchestratorBlockingStub stub(long epoch) {
    Metadata headers = new Metadata();
    MasterEpoch.write(headers, epoch);
    return SubOrchestratorGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static DelegationPackage sim(String taskId, long millis) {
    return DelegationPackage.newBuilder().setPlanId("shop").setTaskId(taskId).setAttempt(1)
        .setTaskDescription("Design the product API")
        .setSimulation(SimulationSpec.newBuilder().setDurationMillis(millis)).build();
  }

  private DelegateResponse delegate(long epoch, DelegationPackage pkg) {
    return stub(epoch).delegate(DelegateRequest.newBuilder().setPackage(pkg).build());
  }

  @Test
  void keepsWorkingWithoutAMasterAndReportsWhatItHoldsWhenItRegistersAgain() {
    await().atMost(Duration.ofSeconds(5)).until(server::registered);
    DelegateResponse running = delegate(0, sim("long-task", 60_000));

    master.stop();
    // Delegated while no master listens (an attempt the old leader sent just before dying): it runs
    // and finishes, and its result stays.
    DelegateResponse finished = delegate(0, sim("short-task", 50));
    await().atMost(Duration.ofSeconds(5)).until(() -> server.load().getCompletedTasks() == 1);
    FakeMaster newLeader = FakeMaster.startOn(masterPort, List.of());
    master = newLeader;

    await().atMost(Duration.ofSeconds(5)).until(() -> newLeader.count(CoordinateRequest.BodyCase.REGISTER) == 1);
    Register register = newLeader.frames.get(0).getRegister();
    assertThat(register.getHeldTruncated()).isFalse();
    assertThat(register.getHeldExecutionsList()).extracting(HeldExecution::getExecutionId)
        .containsExactly(running.getExecutionId(), finished.getExecutionId());
    HeldExecution stillRunning = register.getHeldExecutions(0);
    assertThat(stillRunning.getState()).isEqualTo(ExecutionState.EXECUTION_STATE_RUNNING);
    assertThat(stillRunning.getPlanId()).isEqualTo("shop");
    assertThat(stillRunning.getTaskId()).isEqualTo("long-task");
    assertThat(stillRunning.getAttempt()).isEqualTo(1);
    assertThat(stillRunning.hasStartedAt()).isTrue();
    assertThat(stillRunning.hasFinishedAt()).isFalse();
    HeldExecution done = register.getHeldExecutions(1);
    assertThat(done.getState()).isEqualTo(ExecutionState.EXECUTION_STATE_SUCCEEDED);
    assertThat(done.hasFinishedAt()).isTrue();
  }

  @Test
  void acceptsNoEpochAndEqualOrNewerEpochs() {
    assertThat(stub(0).describe(DescribeRequest.getDefaultInstance()).hasOrchestrator()).isTrue();
    assertThat(server.masterEpoch()).isZero();

    stub(5).describe(DescribeRequest.getDefaultInstance());
    stub(5).describe(DescribeRequest.getDefaultInstance());
    assertThat(server.masterEpoch()).isEqualTo(5);
    stub(7).describe(DescribeRequest.getDefaultInstance());

    assertThat(server.masterEpoch()).isEqualTo(7);
    assertThat(stub(0).describe(DescribeRequest.getDefaultInstance()).hasOrchestrator()).isTrue();
  }

  @Test
  void refusesEveryCallOfAnOlderEpochWithTheNewerInTheTrailer() {
    DelegateResponse accepted = delegate(7, sim("api", 50));

    List<Runnable> staleCalls = List.of(
        () -> stub(6).describe(DescribeRequest.getDefaultInstance()),
        () -> delegate(6, sim("api-again", 50)),
        () -> stub(6).cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(accepted.getExecutionId()).build()),
        () -> stub(6).listDroidEvents(ListDroidEventsRequest.newBuilder().setExecutionId(accepted.getExecutionId()).build()));
    for (Runnable call : staleCalls) {
      assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).isEqualTo("stale master: epoch 6 is older than 7, which a newer"
            + " master already used; this master must step down");
        assertThat(MasterEpoch.newerFrom(e.getStatus(), e.getTrailers())).hasValue(7);
      });
    }
    assertThat(server.load().getCurrentTasks() + server.load().getCompletedTasks()).isEqualTo(1);
    assertThat(stub(0).describe(DescribeRequest.getDefaultInstance()).hasOrchestrator()).isTrue();
  }

  @Test
  void refusesAnEpochThatIsNotANumber() {
    Metadata headers = new Metadata();
    headers.put(MasterEpoch.KEY, "seven");
    var stub = SubOrchestratorGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

    assertThatThrownBy(() -> stub.describe(DescribeRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo(
              "baton-master-epoch: 'seven' (expected: a decimal number >= 1, or no header)");
        });
  }

  @Test
  void anExecuteStreamOpenedBeforeANewerMasterSpokeHasItsNextDelegatesRejected() {
    Metadata headers = new Metadata();
    MasterEpoch.write(headers, 3);
    List<ExecuteResponse> received = new CopyOnWriteArrayList<>();
    StreamObserver<ExecuteRequest> requests = SubOrchestratorGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .execute(new StreamObserver<>() {
          @Override
          public void onNext(ExecuteResponse value) {
            received.add(value);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    requests.onNext(ExecuteRequest.newBuilder().setCallId(1)
        .setDelegate(DelegateRequest.newBuilder().setPackage(sim("before", 50))).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> received.stream().anyMatch(ExecuteResponse::hasAccepted));

    stub(4).describe(DescribeRequest.getDefaultInstance());
    requests.onNext(ExecuteRequest.newBuilder().setCallId(2)
        .setDelegate(DelegateRequest.newBuilder().setPackage(sim("after", 50))).build());

    await().atMost(Duration.ofSeconds(5)).until(() -> received.stream().anyMatch(ExecuteResponse::hasRejected));
    var rejected = received.stream().filter(ExecuteResponse::hasRejected).findFirst().orElseThrow().getRejected();
    assertThat(rejected.getCallId()).isEqualTo(2);
    assertThat(rejected.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
    assertThat(rejected.getMessage()).startsWith("stale master: epoch 3 is older than 4");
    requests.onCompleted();
  }
}
