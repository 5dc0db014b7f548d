package dev.baton.runtime.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.coordination.FakeMaster;
import dev.baton.v1.CancelExecutionRequest;
import dev.baton.v1.ComplexityLevel;
import dev.baton.v1.CoordinateRequest;
import dev.baton.v1.CoordinateResponse;
import dev.baton.runtime.containment.Containments;
import dev.baton.runtime.containment.Procs;
import dev.baton.v1.CommandSpec;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.DescribeRequest;
import dev.baton.v1.DescribeResponse;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.SharedDocument;
import dev.baton.v1.SimulationSpec;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.SyncNotify;
import dev.baton.v1.WatchExecutionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubOrchestratorServerTest {
  @TempDir Path workspaces;
  private FakeMaster master;
  private SubOrchestratorServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    master = FakeMaster.start(List.of("frontend-orchestrator-1", "sample-orchestrator-test"));
    server = SubOrchestratorServer.start(
        OrchestratorConfig.builder()
            .masterAddress(master.address())
            .instanceId("sample-orchestrator-test")
            .workspaceRoot(workspaces)
            .heartbeatInterval(Duration.ofMillis(50))
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

  private SubOrchestratorGrpc.SubOrchestratorBlockingStub stub() {
    return SubOrchestratorGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  private static DelegationPackage sim(String taskId, SimulationSpec spec) {
    return DelegationPackage.newBuilder().setPlanId("shop").setTaskId(taskId).setAttempt(1)
        .setTaskDescription("Design the product API").setSimulation(spec).build();
  }

  private List<ExecutionUpdate> watch(String executionId) {
    List<ExecutionUpdate> updates = new ArrayList<>();
    stub().watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(executionId).build())
        .forEachRemaining(updates::add);
    return updates;
  }

  @Test
  void describesItselfAsTheSeedsSubOrchestratorWithTheMastersPeers() {
    await().atMost(Duration.ofSeconds(5)).until(server::registered);

    DescribeResponse described = stub().describe(DescribeRequest.getDefaultInstance());

    var descriptor = described.getOrchestrator();
    assertThat(descriptor.getId()).isEqualTo("sample-orchestrator-test");
    assertThat(descriptor.getRole()).isEqualTo("sub_orchestrator");
    assertThat(descriptor.getAddress()).isEqualTo(server.address());
    assertThat(descriptor.getSpecialization().getDomain()).isEqualTo("sample");
    assertThat(descriptor.getCapabilities().getMaxConcurrentTasks()).isEqualTo(2);
    assertThat(descriptor.getCapabilities().getComplexityLevel()).isEqualTo(ComplexityLevel.COMPLEXITY_LEVEL_MEDIUM);
    assertThat(descriptor.getDroidsList()).extracting(d -> d.getName()).containsExactly("generalist", "api-designer");
    assertThat(descriptor.getCommunication().getMasterOrchestratorId()).isEqualTo("fake-master");
    assertThat(descriptor.getCommunication().getPeerOrchestratorsList()).containsExactly("frontend-orchestrator-1");
    assertThat(descriptor.getCommunication().getCommunicationChannelsList()).contains("grpc:Coordinate");
    assertThat(described.getLoad().getMaxConcurrentTasks()).isEqualTo(2);
    assertThat(descriptor.getProcessContainment()).isEqualTo(Containments.detect().name())
        .isEqualTo(server.containment().name());
    assertThat(master.frames.get(0).getRegister().getOrchestrator().getId()).isEqualTo("sample-orchestrator-test");
  }

  @Test
  void runsADelegationOnceAndStreamsItToTheEnd() {
    DelegationPackage task = sim("product-api-design", SimulationSpec.newBuilder()
        .setDurationMillis(100).putDocuments("api/openapi.yaml", "openapi: 3.0.3\n").build());

    DelegateResponse first = stub().delegate(DelegateRequest.newBuilder().setPackage(task).build());
    DelegateResponse again = stub().delegate(DelegateRequest.newBuilder().setPackage(task).build());
    List<ExecutionUpdate> updates = watch(first.getExecutionId());

    assertThat(first.getCreated()).isTrue();
    assertThat(first.getState()).isEqualTo(ExecutionState.EXECUTION_STATE_RUNNING);
    assertThat(first.getInstanceId()).isEqualTo("sample-orchestrator-test");
    assertThat(again.getCreated()).isFalse();
    assertThat(again.getExecutionId()).isEqualTo(first.getExecutionId());
    assertThat(updates.get(0).getState()).isEqualTo(ExecutionState.EXECUTION_STATE_RUNNING);
    assertThat(updates).extracting(ExecutionUpdate::getProgress).isSorted();
    ExecutionUpdate last = updates.get(updates.size() - 1);
    assertThat(last.getState()).isEqualTo(ExecutionState.EXECUTION_STATE_SUCCEEDED);
    assertThat(last.getDroid()).isEqualTo("api-designer");
    assertThat(last.getResult().getStatus()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(last.getResult().getDeliverables(0).getContent()).isEqualTo("openapi: 3.0.3\n");
    assertThat(watch(first.getExecutionId())).containsExactly(last);
  }

  @Test
  void shuttingDownKillsEveryTaskContainerWithWhatItDetached() {
    org.junit.jupiter.api.Assumptions.assumeTrue(!server.containment().name().equals("process-tree"),
        "no PID namespace or cgroup here");
    String daemon = Procs.sleepMarker(305);
    String main = Procs.sleepMarker(306);
    stub().delegate(DelegateRequest.newBuilder().setPackage(DelegationPackage.newBuilder().setPlanId("shop")
        .setTaskId("detaches").setAttempt(1).setTaskDescription("Run a daemon")
        .setCommand(CommandSpec.newBuilder().setRun("(setsid sleep " + daemon + " &); sleep " + main))).build());
    await().atMost(Duration.ofSeconds(10)).until(() ->
        !Procs.withArgument(daemon).isEmpty() && !Procs.withArgument(main).isEmpty());

    server.close();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(Procs.withArgument(daemon)).as("the daemon").isEmpty();
      assertThat(Procs.withArgument(main)).as("the command").isEmpty();
    });
  }

  @Test
  void cancelEndsAHungExecutionForItsWatchers() {
    DelegateResponse hung = stub().delegate(DelegateRequest.newBuilder()
        .setPackage(sim("hangs", SimulationSpec.newBuilder().setDurationMillis(10).setHang(true).build())).build());

    var cancelled = stub().cancelExecution(CancelExecutionRequest.newBuilder()
        .setExecutionId(hung.getExecutionId()).setReason("test").build());
    var again = stub().cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(hung.getExecutionId()).build());

    assertThat(cancelled.getState()).isEqualTo(ExecutionState.EXECUTION_STATE_CANCELLED);
    assertThat(again.getState()).isEqualTo(ExecutionState.EXECUTION_STATE_CANCELLED);
    List<ExecutionUpdate> updates = watch(hung.getExecutionId());
    assertThat(updates).singleElement().satisfies(u ->
        assertThat(u.getResult().getStatus()).isEqualTo(DelegationStatus.DELEGATION_STATUS_CANCELLED));
    await().until(() -> server.load().getCurrentTasks() == 0);
  }

  @Test
  void mapsBadRequestsToActionableStatuses() {
    DelegationPackage unknownDroid = sim("t", SimulationSpec.getDefaultInstance()).toBuilder().setDroid("nobody").build();

    assertThatThrownBy(() -> stub().delegate(DelegateRequest.newBuilder().setPackage(unknownDroid).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("expected one of: generalist, api-designer");
        });
    assertThatThrownBy(() -> watch("missing"))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void arrivesAtASyncPointWithItsClassifiedDocuments() {
    await().atMost(Duration.ofSeconds(5)).until(server::registered);
    DelegateResponse done = stub().delegate(DelegateRequest.newBuilder().setPackage(sim("product-api-design",
        SimulationSpec.newBuilder().setDurationMillis(10)
            .putDocuments("api/openapi.yaml", "openapi: 3.0.3\n")
            .putDocuments("reports/api.xml", "<testsuite tests=\"1\"/>")
            .putDocuments("notes.md", "hi").build())).build());
    watch(done.getExecutionId());

    master.sendToAll(CoordinateResponse.newBuilder().setSyncNotify(SyncNotify.newBuilder()
        .setPlanId("shop").setSyncPoint("API Contract Agreement").addAfter("product-api-design")).build());

    await().atMost(Duration.ofSeconds(5)).until(() -> master.count(CoordinateRequest.BodyCase.SYNC_ARRIVAL) == 1);
    var state = master.frames.stream().filter(CoordinateRequest::hasSyncArrival).findFirst().orElseThrow()
        .getSyncArrival().getState();
    assertThat(state.getDomain()).isEqualTo("sample");
    assertThat(state.getInstanceId()).isEqualTo("sample-orchestrator-test");
    assertThat(state.getCompletedTasksList()).containsExactly("product-api-design");
    assertThat(state.getDocumentsList()).extracting(SharedDocument::getName, SharedDocument::getKind)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("api/openapi.yaml", "api_implementation"),
            org.assertj.core.groups.Tuple.tuple("reports/api.xml", "test_report"),
            org.assertj.core.groups.Tuple.tuple("notes.md", "deliverable"));
    assertThat(state.getDocumentsList()).allMatch(d -> d.getProducedByTask().equals("product-api-design"));
  }
}
