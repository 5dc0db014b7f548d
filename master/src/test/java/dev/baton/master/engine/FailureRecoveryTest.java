package dev.baton.master.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.resilience.ResilienceConfig;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.master.testing.Plans;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.RecoveryResult;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failures of sub-orchestrator instances against fakes on real Netty: failover, redistribute,
 * graceful degradation. A hung instance's detection, the restart grace and a breaker's wait in the
 * open state, which are about time, are in {@link TimingTest} on a manual clock.
 */
class FailureRecoveryTest {
  static final double SCALE = 0.001; // one plan minute = 60 ms
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofMillis(1000);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private MasterServer master;
  private ManagedChannel channel;

  void master() {
    master(Duration.ofMillis(500));
  }

  void master(Duration waitInOpenState) {
    master = MasterServer.start(MasterConfig.builder()
        .instanceWait(Duration.ofSeconds(2))
        .heartbeatInterval(Duration.ofMillis(200))
        .heartbeatTimeout(HEARTBEAT_TIMEOUT)
        .resilience(ResilienceConfig.builder()
            .waitInOpenState(waitInOpenState)
            .callDeadline(Duration.ofMillis(300))
            .watchIdleTimeout(Duration.ofMillis(400))
            .restartGrace(Duration.ofSeconds(3))
            .build())
        .build());
    closeables.add(master);
    channel = NettyChannelBuilder.forTarget(master.address()).usePlaintext().build();
    closeables.add(0, channel::shutdownNow);
  }

  FakeSubOrchestrator fake(String id, String domain, int max, String... expertise) {
    FakeSubOrchestrator f = FakeSubOrchestrator.withExpertise(id, domain, max, master.address(), expertise);
    closeables.add(0, f);
    return f;
  }

  Map<String, InstanceHealth> health() {
    return MasterGrpc.newBlockingStub(channel).listOrchestrators(ListOrchestratorsRequest.getDefaultInstance())
        .getInstancesList().stream().collect(Collectors.toMap(i -> i.getOrchestrator().getId(), i -> i.getHealth()));
  }

  void awaitHealthy(String... ids) {
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      Map<String, InstanceHealth> h = health();
      for (String id : ids) {
        if (h.get(id) != InstanceHealth.INSTANCE_HEALTH_HEALTHY) {
          return false;
        }
      }
      return true;
    });
  }

  PlanStatus status(String id) {
    return master.store().status(id).orElseThrow();
  }

  PlanStatus awaitFinished(String id) {
    await().atMost(Duration.ofSeconds(20)).until(() -> finished(status(id)));
    return status(id);
  }

  static boolean finished(PlanStatus s) {
    return s.getState() == PlanState.PLAN_STATE_SUCCEEDED || s.getState() == PlanState.PLAN_STATE_FAILED
        || s.getState() == PlanState.PLAN_STATE_CANCELLED || s.getState() == PlanState.PLAN_STATE_DEGRADED;
  }

  List<PlanEvent> events(String planId) {
    return master.store().read(planId, 0);
  }

  List<PlanEvent> of(String planId, PlanEvent.KindCase kind) {
    return events(planId).stream().filter(e -> e.getKindCase() == kind).toList();
  }

  /** Each task succeeded by exactly one TaskSucceeded event. */
  void assertEachSucceededOnce(String planId, int tasks) {
    Map<String, Integer> n = new HashMap<>();
    for (PlanEvent e : of(planId, PlanEvent.KindCase.TASK_SUCCEEDED)) {
      n.merge(e.getTaskSucceeded().getTaskId(), 1, Integer::sum);
    }
    assertThat(n).hasSize(tasks);
    assertThat(n.values()).containsOnly(1);
  }

  static Instant time(PlanEvent e) {
    return Events.instant(e.getTime());
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void failsOverToTheReplicaWhenAnInstanceServerDiesMidTask() {
    master();
    FakeSubOrchestrator b1 = fake("backend-1", "backend", 4);
    FakeSubOrchestrator b2 = fake("backend-2", "backend", 4);
    awaitHealthy("backend-1", "backend-2");
    Plans p = Plans.plan("failover").policy(PlanModel.DelegationPolicy.ROUND_ROBIN);
    for (int i = 0; i < 4; i++) {
      p.task("t" + i, "backend", 20); // 1.2 s each
    }
    String id = master.submit(p.build(), SCALE);
    await().atMost(Duration.ofSeconds(5)).until(() -> b1.started().size() == 2 && b2.started().size() == 2);
    List<String> onB1 = b1.started().stream().map(s -> s.substring(0, s.indexOf('#'))).toList();
    b1.shutdownServer();

    PlanStatus s = awaitFinished(id);
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertEachSucceededOnce(id, 4);
    assertThat(s.getRecoveriesList()).hasSize(1);
    RecoveryResult r = s.getRecoveries(0);
    assertThat(r.getRecoveryType()).isEqualTo("failover");
    assertThat(r.getFailedOrchestrator()).isEqualTo("backend-1");
    assertThat(r.getBackupOrchestrator()).isEqualTo("backend-2");
    assertThat(r.getTasksTransferred()).isEqualTo(2);
    assertThat(r.getTaskIdsList()).containsExactlyInAnyOrderElementsOf(onB1);
    assertThat(r.getDetection()).contains("circuit breaker opened");
    var channel = io.grpc.netty.NettyChannelBuilder.forTarget(master.address()).usePlaintext().build();
    try {
      var instances = dev.baton.v1.MasterGrpc.newBlockingStub(channel)
          .listOrchestrators(dev.baton.v1.ListOrchestratorsRequest.getDefaultInstance()).getInstancesList();
      // Open, or half-open already: the test's breaker waits briefly before probing again.
      assertThat(instances).filteredOn(i -> i.getOrchestrator().getId().equals("backend-1"))
          .extracting(i -> i.getBreakerState()).singleElement().isIn("open", "half_open");
      assertThat(instances).filteredOn(i -> i.getOrchestrator().getId().equals("backend-2"))
          .extracting(i -> i.getBreakerState()).containsExactly("closed");
    } finally {
      channel.shutdownNow();
    }
    // The moved tasks ran again on backend-2 as attempt 2, and the time to re-delegation is measurable.
    for (String t : onB1) {
      TaskStatus ts = s.getTasksList().stream().filter(x -> x.getId().equals(t)).findFirst().orElseThrow();
      assertThat(ts.getInstanceId()).isEqualTo("backend-2");
      assertThat(ts.getAttempt()).isEqualTo(2);
    }
    List<PlanEvent> redelegated = of(id, PlanEvent.KindCase.TASK_DELEGATED).stream()
        .filter(e -> e.getTaskDelegated().getAttempt() == 2).toList();
    assertThat(redelegated).hasSize(2).allSatisfy(e -> {
      assertThat(e.getTaskDelegated().getReason()).startsWith("failover from backend-1");
      assertThat(e.getTaskDelegated().getCandidateScoresMap()).containsKey("backend-2").doesNotContainKey("backend-1");
      assertThat(time(e)).isAfterOrEqualTo(Events.instant(r.getDetectedAt()));
    });
    long toRedelegation = Duration.between(Events.instant(r.getDetectedAt()), time(redelegated.get(1))).toMillis();
    System.out.println("FIGURE failover detection->re-delegation ms: " + toRedelegation);
    assertThat(toRedelegation).isLessThan(1000);
    assertThat(b1.delegateCalls.get()).as("no work for the failed instance after its breaker opened").isEqualTo(2);
    await().atMost(Duration.ofSeconds(2)).until(() -> health().get("backend-1") == InstanceHealth.INSTANCE_HEALTH_OFFLINE
        || health().get("backend-1") == InstanceHealth.INSTANCE_HEALTH_SUSPECT);
  }

  @Test
  void redistributesToTheDomainWhoseExpertiseCoversTheTask() {
    master();
    FakeSubOrchestrator b1 = fake("backend-1", "backend", 4, "ledger sync");
    FakeSubOrchestrator f1 = fake("frontend-1", "frontend", 4, "ledger sync", "dashboards");
    FakeSubOrchestrator d1 = fake("devops-1", "devops", 4, "terraform");
    awaitHealthy("backend-1", "frontend-1", "devops-1");
    Plans p = Plans.plan("redistribute").failureHandling(PlanModel.FailureHandling.REDISTRIBUTE);
    p.task("ledger-sync", "backend", 20);
    String id = master.submit(p.build(), SCALE);
    await().atMost(Duration.ofSeconds(5)).until(() -> b1.started().contains("ledger-sync#1"));
    b1.shutdownServer();
    b1.disconnect();

    PlanStatus s = awaitFinished(id);
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    RecoveryResult r = s.getRecoveries(0);
    assertThat(r.getRecoveryType()).isEqualTo("redistribute");
    assertThat(r.getAssignmentsMap()).containsEntry("ledger-sync", "frontend");
    assertThat(r.getReason()).contains("ledger-sync -> frontend");
    assertThat(f1.started()).containsExactly("ledger-sync#2");
    assertThat(d1.started()).isEmpty();
    PlanEvent moved = of(id, PlanEvent.KindCase.TASK_DELEGATED).get(1);
    assertThat(moved.getTaskDelegated().getReason())
        .startsWith("redistributed from backend to frontend: coverage 0.67");
  }

  @Test
  void gracefulDegradationSkipsDependentsFinishesTheRestAndEndsDegraded() {
    master();
    FakeSubOrchestrator b1 = fake("backend-1", "backend", 4);
    FakeSubOrchestrator f1 = fake("frontend-1", "frontend", 4);
    awaitHealthy("backend-1", "frontend-1");
    Plans p = Plans.plan("degrade").failureHandling(PlanModel.FailureHandling.GRACEFUL_DEGRADATION);
    p.task("api", "backend", 20).task("ui", "frontend", 1, "api").task("docs", "frontend", 10);
    String id = master.submit(p.build(), SCALE);
    await().atMost(Duration.ofSeconds(5)).until(() -> b1.started().contains("api#1"));
    b1.shutdownServer();
    b1.disconnect();

    PlanStatus s = awaitFinished(id);
    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_DEGRADED);
    Map<String, TaskStatus> t = PlanRun.byId(s);
    assertThat(t.get("api").getState()).isEqualTo(TaskState.TASK_STATE_SKIPPED);
    assertThat(t.get("api").getLastError()).startsWith("degraded: instance backend-1 failed");
    assertThat(t.get("ui").getState()).isEqualTo(TaskState.TASK_STATE_SKIPPED);
    assertThat(t.get("ui").getLastError()).isEqualTo("dependency 'api' skipped");
    assertThat(t.get("docs").getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(s.getReason()).startsWith("1 task(s) degraded (api): instance backend-1 failed")
        .endsWith("skipped as dependents: ui");
    assertThat(s.getRecoveries(0).getRecoveryType()).isEqualTo("graceful_degradation");
    assertThat(of(id, PlanEvent.KindCase.TASK_SKIPPED)).first()
        .satisfies(e -> assertThat(e.getTaskSkipped().getDegraded()).isTrue());
    assertThat(f1.started()).containsExactly("docs#1");
  }
}
