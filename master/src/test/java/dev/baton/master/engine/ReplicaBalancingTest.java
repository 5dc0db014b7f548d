package dev.baton.master.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.master.testing.Plans;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How delegations spread over replicas of a domain under each policy. */
class ReplicaBalancingTest {
  static final double SCALE = 0.001;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private MasterServer master;

  void master() {
    master = MasterServer.start(MasterConfig.builder().instanceWait(Duration.ofSeconds(2)).build());
    closeables.add(master);
  }

  FakeSubOrchestrator fake(String id, int max) {
    FakeSubOrchestrator f = FakeSubOrchestrator.start(id, "backend", max, master.address());
    closeables.add(0, f);
    return f;
  }

  void awaitInstances(int n) {
    await().atMost(Duration.ofSeconds(5)).until(() -> master.store() != null
        && registered() >= n);
  }

  private long registered() {
    // The plan store cannot say; submit nothing until the fakes registered: poll ListOrchestrators.
    var ch = io.grpc.netty.NettyChannelBuilder.forTarget(master.address()).usePlaintext().build();
    try {
      return dev.baton.v1.MasterGrpc.newBlockingStub(ch)
          .listOrchestrators(dev.baton.v1.ListOrchestratorsRequest.getDefaultInstance()).getInstancesList().stream()
          .filter(i -> i.getHealth() == dev.baton.v1.InstanceHealth.INSTANCE_HEALTH_HEALTHY).count();
    } finally {
      ch.shutdownNow();
    }
  }

  PlanStatus run(String id) {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      PlanState s = master.store().status(id).orElseThrow().getState();
      return s == PlanState.PLAN_STATE_SUCCEEDED || s == PlanState.PLAN_STATE_FAILED;
    });
    return master.store().status(id).orElseThrow();
  }

  /** Instance id -> TaskDelegated count over the given plans. */
  Map<String, Integer> spread(String... planIds) {
    Map<String, Integer> n = new TreeMap<>();
    for (String id : planIds) {
      for (PlanEvent e : master.store().read(id, 0)) {
        if (e.hasTaskDelegated()) {
          n.merge(e.getTaskDelegated().getInstanceId(), 1, Integer::sum);
        }
      }
    }
    return n;
  }

  static PlanModel.Plan burst(String name, PlanModel.DelegationPolicy policy, int tasks, int minutes) {
    Plans p = Plans.plan(name).policy(policy);
    for (int i = 0; i < tasks; i++) {
      p.task("t" + i, "backend", minutes);
    }
    return p.build();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void roundRobinIsExactlyEvenPerDomainAcrossPlansAndANewReplicaGetsTheNextTask() {
    master();
    fake("backend-1", 20);
    fake("backend-2", 20);
    fake("backend-3", 20);
    awaitInstances(3);
    // Two plans of 4 at once: 8 delegations, the turn shared, so no replica gets 4 of them.
    String a = master.submit(burst("rr-a", PlanModel.DelegationPolicy.ROUND_ROBIN, 4, 2), SCALE);
    String b = master.submit(burst("rr-b", PlanModel.DelegationPolicy.ROUND_ROBIN, 5, 2), SCALE);
    run(a);
    run(b);
    assertThat(spread(a, b)).containsExactly(Map.entry("backend-1", 3), Map.entry("backend-2", 3),
        Map.entry("backend-3", 3));

    Instant started = Instant.now();
    fake("backend-4", 20);
    awaitInstances(4);
    String c = master.submit(burst("rr-c", PlanModel.DelegationPolicy.ROUND_ROBIN, 1, 1), SCALE);
    run(c);
    PlanEvent delegated = master.store().read(c, 0).stream().filter(PlanEvent::hasTaskDelegated).findFirst().orElseThrow();
    assertThat(delegated.getTaskDelegated().getInstanceId()).isEqualTo("backend-4");
    assertThat(delegated.getTaskDelegated().getCandidateScoresMap()).containsOnlyKeys(
        "backend-1", "backend-2", "backend-3", "backend-4");
    System.out.println("FIGURE new replica start -> first delegation ms: "
        + Duration.between(started, Events.instant(delegated.getTime())).toMillis());
  }

  @Test
  void leastLoadedAndScoreSpreadByLoadInProportionToCapacity() {
    master();
    fake("backend-1", 1);
    fake("backend-2", 2);
    fake("backend-3", 3);
    awaitInstances(3);
    for (PlanModel.DelegationPolicy policy : List.of(PlanModel.DelegationPolicy.LEAST_LOADED,
        PlanModel.DelegationPolicy.SCORE)) {
      // Six long tasks at once fill the six slots; which replica gets each follows the load.
      String id = master.submit(burst("load-" + policy.word().replace('_', '-'), policy, 6, 5), SCALE);
      assertThat(run(id).getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
      assertThat(spread(id)).as(policy.word()).containsExactly(Map.entry("backend-1", 1),
          Map.entry("backend-2", 2), Map.entry("backend-3", 3));
      assertThat(master.store().read(id, 0).stream().filter(PlanEvent::hasTaskDelegated)
          .mapToInt(e -> e.getTaskDelegated().getCandidateScoresCount()).max().orElse(0))
          .as("every candidate's score is in the event").isEqualTo(3);
    }
  }
}
