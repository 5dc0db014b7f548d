package dev.baton.master.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.master.testing.Plans;
import dev.baton.v1.CancelPlanRequest;
import dev.baton.v1.GetDashboardRequest;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.ListPlansRequest;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.TaskState;
import dev.baton.v1.ValidatePlanRequest;
import dev.baton.v1.WatchPlanRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** baton.v1.Master over a real localhost server, with fake sub-orchestrators. */
class MasterServiceTest {
  private static final String YAML = """
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

  private MasterServer master;
  private ManagedChannel channel;
  private MasterGrpc.MasterBlockingStub stub;
  private final List<AutoCloseable> fakes = new ArrayList<>();

  @BeforeEach
  void start() {
    master = MasterServer.start(MasterConfig.builder().instanceWait(Duration.ofMillis(500)).build());
    channel = NettyChannelBuilder.forTarget(master.address()).usePlaintext().build();
    stub = MasterGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable f : fakes) {
      f.close();
    }
    channel.shutdownNow();
    master.close();
  }

  private FakeSubOrchestrator fake(String id, String domain) {
    FakeSubOrchestrator f = FakeSubOrchestrator.start(id, domain, 2, master.address());
    fakes.add(f);
    await().atMost(Duration.ofSeconds(5)).until(() -> stub.listOrchestrators(ListOrchestratorsRequest.newBuilder()
        .setDomain(domain).build()).getInstancesList().stream().anyMatch(i -> i.getOrchestrator().getId().equals(id)));
    return f;
  }

  private static List<Long> sequences(Iterator<PlanEvent> it) {
    List<Long> out = new ArrayList<>();
    it.forEachRemaining(e -> out.add(e.getSequence()));
    return out;
  }

  @Test
  void aRetriedSubmissionWithTheSameRequestIdStartsThePlanOnce() {
    fake("backend-1", "backend");
    SubmitPlanRequest request = SubmitPlanRequest.newBuilder().setPlanYaml(YAML).setTimeScale(0.001)
        .setRequestId("6f1c2a9e-3b7d-4c55-9e0a-2f8d1b4c7a10").build();
    var first = stub.submitPlan(request);
    var again = stub.submitPlan(request);
    var other = stub.submitPlan(request.toBuilder().setRequestId("another-submission").build());

    assertThat(first.getCreated()).isTrue();
    assertThat(again.getCreated()).isFalse();
    assertThat(again.getPlanId()).isEqualTo(first.getPlanId());
    assertThat(other.getCreated()).isTrue();
    assertThat(other.getPlanId()).isNotEqualTo(first.getPlanId());
    assertThat(stub.listPlans(ListPlansRequest.getDefaultInstance()).getPlansList()).hasSize(2);
    assertThatThrownBy(() -> stub.submitPlan(request.toBuilder().setRequestId("bad id with spaces").build()))
        .isInstanceOf(io.grpc.StatusRuntimeException.class)
        .hasMessageContaining("INVALID_ARGUMENT: request_id: 'bad id with spaces' (expected: at most 128 characters");
  }

  @Test
  void submitsYamlAndWatchStreamsEveryEventOnceUntilThePlanFinishes() {
    fake("backend-1", "backend");
    var submitted = stub.submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(YAML).setTimeScale(0.001).build());
    assertThat(submitted.getStatus().getName()).isEqualTo("tiny");
    // Subscribes while the plan runs: the replayed part and the live part must join without gaps or repeats.
    List<PlanEvent> events = new ArrayList<>();
    stub.watchPlan(WatchPlanRequest.newBuilder().setPlanId(submitted.getPlanId()).build()).forEachRemaining(events::add);

    assertThat(events).extracting(PlanEvent::getSequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
    assertThat(events.get(0).hasPlanAccepted()).isTrue();
    assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    var status = stub.getPlan(GetPlanRequest.newBuilder().setPlanId(submitted.getPlanId()).build()).getStatus();
    assertThat(status.getLastSequence()).isEqualTo(events.size());
    assertThat(status.getTasksList()).allSatisfy(t -> assertThat(t.getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED));
    assertThat(status.getAnalysis().getLevelsCount()).isEqualTo(2);

    // Resuming after a sequence replays only what follows it, then completes.
    assertThat(sequences(stub.watchPlan(WatchPlanRequest.newBuilder().setPlanId(submitted.getPlanId())
        .setAfterSequence(events.size() - 3).build())))
        .containsExactly((long) events.size() - 2, (long) events.size() - 1, (long) events.size());
    assertThat(sequences(stub.watchPlan(WatchPlanRequest.newBuilder().setPlanId(submitted.getPlanId())
        .setAfterSequence(events.size()).build()))).isEmpty();
    assertThat(stub.listPlans(ListPlansRequest.getDefaultInstance()).getPlansList())
        .singleElement().satisfies(l -> {
          assertThat(l.getTasksSucceeded()).isEqualTo(2);
          // Cost and times for the plans list (the dashboard shows cost and duration).
          assertThat(l.getCostUsd()).isEqualTo(status.getUsage().getCostUsd());
          assertThat(l.getSubmittedAt()).isEqualTo(status.getSubmittedAt());
          assertThat(l.hasFinishedAt()).isTrue();
          assertThat(l.getFinishedAt()).isEqualTo(status.getFinishedAt());
        });
  }

  @Test
  void cancelStopsOutstandingWorkAndRefusesAFinishedPlan() {
    FakeSubOrchestrator b = fake("backend-1", "backend");
    String id = master.submit(Plans.plan("hung").task("stuck", "backend", 1, Plans.hang())
        .task("next", "backend", 1, "stuck").build(), 0.001);
    await().atMost(Duration.ofSeconds(5)).until(() -> master.store().status(id).orElseThrow().getTasksList().get(0)
        .getState() == TaskState.TASK_STATE_RUNNING);

    var cancelled = stub.cancelPlan(CancelPlanRequest.newBuilder().setPlanId(id).setReason("user changed mind").build())
        .getStatus();

    assertThat(cancelled.getState()).isEqualTo(PlanState.PLAN_STATE_CANCELLED);
    assertThat(cancelled.getReason()).isEqualTo("user changed mind");
    assertThat(cancelled.getTasksList()).extracting(t -> t.getState())
        .containsExactly(TaskState.TASK_STATE_CANCELLED, TaskState.TASK_STATE_CANCELLED);
    await().atMost(Duration.ofSeconds(2)).until(() -> b.cancelled.contains("stuck"));
    assertThatThrownBy(() -> stub.cancelPlan(CancelPlanRequest.newBuilder().setPlanId(id).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).contains("already CANCELLED").contains("accepted or running");
        });
  }

  @Test
  void refusesBadRequestsWithActionableStatuses() {
    assertThatThrownBy(() -> stub.submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml("kind: [").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> stub.submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(YAML).setTimeScale(-1).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("timeScale: -1.0 (expected: 0..1)");
        });
    assertThatThrownBy(() -> stub.getPlan(GetPlanRequest.newBuilder().setPlanId("nope-123").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).contains("nope-123");
        });
    assertThatThrownBy(() -> stub.watchPlan(WatchPlanRequest.newBuilder().setPlanId("nope-123").build()).hasNext())
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThat(stub.listPlans(ListPlansRequest.getDefaultInstance()).getPlansList()).isEmpty();
  }

  @Test
  void validateReturnsTheNormalisedPlanAndItsAnalysisWithoutRunningIt() {
    var r = stub.validatePlan(ValidatePlanRequest.newBuilder().setPlanYaml(YAML).build());
    assertThat(r.getPlan().getSpec().getTasksCount()).isEqualTo(2);
    assertThat(r.getAnalysis().getSequentialMinutes()).isEqualTo(2.0);
    assertThat(stub.listPlans(ListPlansRequest.getDefaultInstance()).getPlansList()).isEmpty();
  }

  @Test
  void listsInstancesWithHealthAndShowsThemOnTheDashboard() {
    FakeSubOrchestrator b = fake("backend-1", "backend");
    fake("frontend-1", "frontend");
    var list = stub.listOrchestrators(ListOrchestratorsRequest.getDefaultInstance());
    assertThat(list.getMaster().getRole()).isEqualTo("master");
    assertThat(list.getInstancesList()).extracting(i -> i.getOrchestrator().getId())
        .containsExactly("backend-1", "frontend-1");
    assertThat(list.getInstancesList()).allSatisfy(i -> assertThat(i.getHealth()).isEqualTo(InstanceHealth.INSTANCE_HEALTH_HEALTHY));
    assertThat(list.getInstancesList()).extracting(i -> i.getBreakerState()).containsOnly("closed");

    var dashboard = stub.getDashboard(GetDashboardRequest.getDefaultInstance()).getDashboard();
    assertThat(dashboard.getOverview().getTotalOrchestrators()).isEqualTo(2);
    assertThat(dashboard.getOrchestratorStatusMap()).containsKeys("backend-1", "frontend-1");
    assertThat(dashboard.getOrchestratorStatusMap().get("backend-1").getStatus()).isEqualTo("idle");

    b.disconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> stub.listOrchestrators(ListOrchestratorsRequest.newBuilder()
        .setDomain("backend").build()).getInstances(0).getHealth() == InstanceHealth.INSTANCE_HEALTH_OFFLINE);
    assertThat(stub.getDashboard(GetDashboardRequest.getDefaultInstance()).getDashboard()
        .getOrchestratorStatusMap().get("backend-1").getStatus()).isEqualTo("failed");
  }
}
