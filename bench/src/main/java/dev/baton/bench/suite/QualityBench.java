package dev.baton.bench.suite;

import dev.baton.master.plan.MakespanBound;
import dev.baton.master.plan.PlanCompiler;
import dev.baton.master.plan.PlanModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Figure 3: makespan / lower bound on the real engine with real sub-orchestrators (one per domain,
 * {@link #SLOTS} slots each, sim droids at a time scale), beside the level-synchronous baseline (the
 * seed's "run a level, synchronise, next level": each level submitted as its own plan, the next
 * only after it finished) on the same mesh in the same run.
 */
final class QualityBench {
  static final int SLOTS = 4;
  /**
   * Least wall-clock time of an average task: a no-op delegation costs about a millisecond, so a
   * plan of thousands of tasks squeezed into a few seconds would measure that overhead, not the
   * schedule. The time scale is stretched until the average task lasts at least this long.
   */
  static final double MIN_TASK_SECONDS = 0.05;

  private QualityBench() {}

  /** A row: the plan, and the strategy its level-by-level baseline runs each level under. */
  record Case(String name, PlanModel.Plan plan, String baselineStrategy) {
    Case(String name, PlanModel.Plan plan) {
      this(name, plan, "parallel");
    }
  }

  static void run(Report report, boolean quick, List<Integer> sizes, double targetSeconds) {
    List<Case> cases = new ArrayList<>();
    PlanModel.Plan ecommerce = PlanGen.ecommerce();
    cases.add(new Case("e-commerce (hybrid, as written)", ecommerce));
    // The same rule for the baseline: each level run under hybrid, one task per domain at a time.
    cases.add(new Case("e-commerce (hybrid), baseline 1 slot per domain", ecommerce, "hybrid_parallel_sequential"));
    cases.add(new Case("e-commerce (strategy parallel)", parallel()));
    for (int n : sizes) {
      for (PlanGen.Shape shape : PlanGen.Shape.values()) {
        cases.add(new Case(shape.name().toLowerCase() + " " + n,
            PlanGen.compile(PlanGen.layered(shape.name().toLowerCase() + "-" + n, shape, n, 42 + n))));
      }
    }
    report.section("3. Scheduling quality", "One instance per domain, " + SLOTS + " slots each. Lower bound"
        + " = max(critical path, per-domain work / slots); the time scale makes the bound last about "
        + targetSeconds + " s of wall clock, or longer so that the average task lasts at least "
        + (int) (MIN_TASK_SECONDS * 1000) + " ms. Makespan = submit to PlanFinished. Baseline: the same tasks level by"
        + " level, each level a plan of its own (under parallel, unless the row says otherwise). The hybrid"
        + " strategy runs one task per domain at a time, so its rows are bounded with 1 slot per domain. Gate-aware"
        + " bound: MakespanBound, which also counts the work each domain must finish before a sync point's gate"
        + " opens (no schedule beats it).");
    report.header("plan", "tasks", "levels", "critical path min", "bound min", "gate-aware bound min", "time scale",
        "Baton ratio", "Baton / gate-aware bound", "level-sync ratio");
    try (Mesh mesh = Mesh.start(1, SLOTS)) {
      for (Case c : cases) {
        PlanModel.Plan plan = c.plan();
        int slots = plan.strategy() == PlanModel.Strategy.HYBRID_PARALLEL_SEQUENTIAL ? 1 : SLOTS;
        double bound = PlanGen.lowerBoundMinutes(plan, slots);
        double gateAware = MakespanBound.minutes(plan, d -> slots);
        double avgTaskMinutes = plan.tasks().stream().mapToDouble(PlanModel.Task::estimateMinutes).average().orElse(1);
        double minTaskMillis = quick ? 0 : MIN_TASK_SECONDS * 1000;
        double scale = Math.max(targetSeconds * 1000 / (bound * 60_000), minTaskMillis / (avgTaskMinutes * 60_000));
        double boundMs = bound * 60_000 * scale;
        Duration timeout = Duration.ofMillis((long) (boundMs * 20) + 120_000);
        long t0 = System.nanoTime();
        mesh.run(plan, scale, timeout);
        double baton = (System.nanoTime() - t0) / 1e6;
        int i = 0;
        long t1 = System.nanoTime();
        for (PlanModel.Level level : plan.analysis().levels()) {
          mesh.run(PlanGen.compile(PlanGen.level(plan, level.taskIds(), "level-" + (i++), c.baselineStrategy())),
              scale, timeout);
        }
        double levelSync = (System.nanoTime() - t1) / 1e6;
        report.row(c.name(), plan.tasks().size(), plan.analysis().levels().size(),
            plan.analysis().criticalPathMinutes(), bound, gateAware,
            String.format(java.util.Locale.ROOT, "%.2e", scale), baton / boundMs, baton / (boundMs * gateAware / bound),
            levelSync / boundMs);
      }
    }
  }

  private static PlanModel.Plan parallel() {
    var proto = PlanCompiler.parseYaml(PlanGen.ecommerceYaml());
    return PlanCompiler.compile(proto.toBuilder().setSpec(proto.getSpec().toBuilder().setStrategy("parallel")).build());
  }
}
