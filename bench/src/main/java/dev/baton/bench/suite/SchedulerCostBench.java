package dev.baton.bench.suite;

import dev.baton.master.plan.PlanModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;

/**
 * Figure 4: the master's cost per task on one big no-op plan: CPU time of the scheduler's thread
 * (every decision runs there), bytes it allocated, and heap the master still holds for the plan
 * after it finished (events and status; measured after a full GC). The sub-orchestrators are real,
 * in this JVM, with {@link #SLOTS} slots, so the plan's tasks are never held back for capacity.
 */
final class SchedulerCostBench {
  static final int SLOTS = 4096;

  private SchedulerCostBench() {}

  static void run(Report report, List<Integer> sizes) {
    report.section("4. Scheduler cost", "Independent no-op tasks (strategy parallel, four domains, one"
        + " instance each, " + SLOTS + " slots). CPU and allocation of the `baton-scheduler` thread; retained heap"
        + " = used heap after a full GC with the finished plan in the store minus before it was submitted.");
    report.header("tasks", "wall s", "scheduler CPU us/task", "allocated KB/task", "retained heap KB/task");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (Mesh mesh = Mesh.start(1, SLOTS)) {
      Thread scheduler = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("baton-scheduler")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no baton-scheduler thread"));
      for (int n : sizes) {
        PlanModel.Plan plan = PlanGen.compile(PlanGen.noOps("cost-" + n, n, n));
        long heap0 = usedHeapAfterGc();
        long cpu0 = threads.getThreadCpuTime(scheduler.getId());
        long alloc0 = allocated(threads, scheduler);
        long t0 = System.nanoTime();
        mesh.run(plan, PlanGen.NO_OP_SCALE, Duration.ofMinutes(60));
        double wall = (System.nanoTime() - t0) / 1e9;
        long cpu = threads.getThreadCpuTime(scheduler.getId()) - cpu0;
        long alloc = allocated(threads, scheduler) - alloc0;
        long heap = usedHeapAfterGc() - heap0;
        report.row(n, wall, cpu / 1e3 / n, alloc / 1024.0 / n, heap / 1024.0 / n);
      }
    }
  }

  private static long allocated(ThreadMXBean threads, Thread t) {
    return threads instanceof com.sun.management.ThreadMXBean sun ? sun.getThreadAllocatedBytes(t.getId()) : -1;
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
