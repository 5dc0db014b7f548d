package dev.baton.bench.suite;

import dev.baton.master.plan.PlanModel;
import dev.baton.v1.Plan;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.SyncPointSpec;
import dev.baton.v1.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Figure 5: a tight sync point of all four domains with 1, 4 and 16 instances each (4, 16 and 64
 * participants): SyncPointReached to SyncPointReleased on the master's clock, which is notify,
 * every participant's arrival with its shared state, and release; the conflict detector is off.
 */
final class BarrierBench {
  private BarrierBench() {}

  static void run(Report report, boolean quick) {
    List<Integer> perDomain = quick ? List.of(1, 4) : List.of(1, 4, 16);
    int rounds = quick ? 5 : 30;
    report.section("5. Barrier latency", rounds + " plans per size (after 2 warm-ups): task a -> tight sync point"
        + " of frontend, backend, devops, testing -> task b; SyncPointReached to SyncPointReleased event time.");
    report.header("participants", "p50 ms", "p99 ms", "max ms");
    for (int r : perDomain) {
      try (Mesh mesh = Mesh.start(r, 0)) {
        PlanModel.Plan plan = PlanGen.compile(plan());
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < rounds + 2; i++) {
          List<PlanEvent> events = mesh.run(plan, PlanGen.NO_OP_SCALE, Duration.ofSeconds(30));
          if (i >= 2) {
            ms.add(Stats.millis(DelegationBench.first(events, "SYNC_POINT_REACHED"),
                DelegationBench.first(events, "SYNC_POINT_RELEASED")));
          }
        }
        report.row(4 * r, Stats.percentile(ms, 50), Stats.percentile(ms, 99), Stats.percentile(ms, 100));
      }
    }
  }

  private static Plan plan() {
    Plan base = PlanGen.noOps("barrier", 0, 0);
    var spec = base.getSpec().toBuilder()
        .addTasks(TaskSpec.newBuilder().setId("a").setDescription("Build a").setOrchestrator("backend").setEstimate("1s"))
        .addTasks(TaskSpec.newBuilder().setId("b").setDescription("Build b").setOrchestrator("frontend").setEstimate("1s"))
        .addSyncPoints(SyncPointSpec.newBuilder().setName("all").addAllParticipants(Mesh.DOMAINS)
            .addAfter("a").addBefore("b").setMode("tight"));
    return base.toBuilder().setSpec(spec).build();
  }
}
