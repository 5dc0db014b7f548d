package dev.baton.bench.suite;

import dev.baton.master.plan.PlanModel;
import java.time.Duration;
import java.util.List;

/**
 * Figure 2: no-op tasks per second through one master and four domains, with 1, 2, 4 and 8
 * replicas per domain, all in this JVM on localhost Netty (so the 2 cores are shared by the master,
 * every sub-orchestrator and the droids: a single-machine figure).
 */
final class ThroughputBench {
  /** Slots per instance: high, so the figure is the orchestration's, not a capacity limit. */
  static final int SLOTS = 256;

  private ThroughputBench() {}

  static void run(Report report, boolean quick, int tasks) {
    List<Integer> replicas = quick ? List.of(1, 2) : List.of(1, 2, 4, 8);
    report.section("2. Throughput", "One plan of " + tasks + " independent no-op tasks (strategy parallel,"
        + " round robin over the four domains), max_concurrent_tasks " + SLOTS + " per instance; submit to"
        + " PlanFinished, after one warm-up plan of the same size. Master and all sub-orchestrators in one JVM.");
    report.header("replicas per domain", "instances", "tasks", "seconds", "tasks/s");
    for (int r : replicas) {
      try (Mesh mesh = Mesh.start(r, SLOTS)) {
        PlanModel.Plan plan = PlanGen.compile(PlanGen.noOps("throughput", tasks, r));
        mesh.run(plan, PlanGen.NO_OP_SCALE, Duration.ofMinutes(10));
        long t0 = System.nanoTime();
        mesh.run(plan, PlanGen.NO_OP_SCALE, Duration.ofMinutes(10));
        double s = (System.nanoTime() - t0) / 1e9;
        report.row(r, 4 * r, tasks, s, tasks / s);
      }
    }
    journals(report, tasks);
  }

  /**
   * The same plan with one replica per domain, the master's plans in memory, in the embedded
   * journal (SQLite, fsync on every commit) and, when {@code BATON_BENCH_POSTGRES} names a
   * database ({@code postgres://user:pass@host:port/db}), in PostgreSQL: what durability costs.
   */
  private static void journals(Report report, int tasks) {
    report.section("2b. Throughput with a journal", "The same plan of " + tasks + " no-op tasks, one replica"
        + " per domain, the master's plans in memory, in the embedded journal (SQLite, WAL, synchronous=FULL,"
        + " group commit) and in PostgreSQL when BATON_BENCH_POSTGRES names a database; in one run.");
    report.header("store", "tasks", "events", "seconds", "tasks/s");
    java.util.Map<String, String> stores = new java.util.LinkedHashMap<>();
    stores.put("memory", null);
    java.nio.file.Path dir;
    try {
      dir = java.nio.file.Files.createTempDirectory("baton-bench-journal");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    stores.put("sqlite", dir.resolve("journal.db").toString());
    String pg = System.getenv("BATON_BENCH_POSTGRES");
    if (pg != null && !pg.isBlank()) {
      stores.put("postgresql", pg);
    }
    for (var store : stores.entrySet()) {
      try (Mesh mesh = Mesh.start(1, SLOTS, store.getValue())) {
        PlanModel.Plan plan = PlanGen.compile(PlanGen.noOps("journal", tasks, 1));
        mesh.run(plan, PlanGen.NO_OP_SCALE, Duration.ofMinutes(10));
        long t0 = System.nanoTime();
        int events = mesh.run(plan, PlanGen.NO_OP_SCALE, Duration.ofMinutes(10)).size();
        double s = (System.nanoTime() - t0) / 1e9;
        report.row(store.getKey(), tasks, events, s, tasks / s);
      }
    }
  }
}
