package dev.baton.bench.suite;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Figure 8: many agent processes at once on one sub-orchestrator. A plan of independent tasks, as
 * many as the sub-orchestrator's slots, whose agents stay alive until released; at the peak (every
 * agent started) this process's threads and open file descriptors, and its heap after a full GC,
 * against the same before the plan was submitted.
 */
final class ConcurrentAgentsBench {
  private ConcurrentAgentsBench() {}

  static void run(Report report, int agents, int files, boolean quick) throws Exception {
    report.section("8. Concurrent agents on one sub-orchestrator", agents + " independent backend tasks, "
        + agents + " slots, claude runner with a bash stand-in that waits (blocked in `read` on a FIFO, no"
        + " CPU) until released; repository of " + files + " files, one worktree per task. Master and"
        + " sub-orchestrator share this JVM, so threads, descriptors and heap count both (the agents'"
        + " own processes are not counted). Baseline: " + (quick ? "" : "after a warm-up plan of 2 such tasks, ")
        + "before the plan was submitted; peak: every agent started and waiting. Heap = used heap after a full GC.");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (AgentMesh mesh = AgentMesh.start(files, agents, true)) {
      if (!quick) {
        runHeld(mesh, "warmup", 2);
        mesh.clearStarts();
      }

      long heap0 = usedHeapAfterGc();
      int threads0 = threads.getThreadCount();
      long fds0 = openFds();
      threads.resetPeakThreadCount();
      long t0 = System.nanoTime();
      String planId = mesh.master.submit(PlanGen.compile(mesh.plan("concurrent", agents, false)), 1.0);
      awaitStarted(mesh, agents);
      double allStarted = (System.nanoTime() - t0) / 1e9;
      int threads1 = threads.getThreadCount();
      long fds1 = openFds();
      long heap1 = usedHeapAfterGc();
      int peakThreads = threads.getPeakThreadCount();
      mesh.release(agents);
      Mesh.finished(mesh.master, planId, Duration.ofMinutes(5));
      double finished = (System.nanoTime() - t0) / 1e9;

      report.header("measure", "baseline", "peak (" + agents + " agents running)", "per agent");
      report.row("threads (ThreadMXBean)", threads0, threads1 + " (peak " + peakThreads + ")",
          Report.fmt((threads1 - threads0) / (double) agents));
      report.row("open file descriptors (/proc/self/fd; limit " + maxFds() + ")", fds0, fds1,
          Report.fmt((fds1 - fds0) / (double) agents));
      report.row("heap after GC, MiB (master + sub-orchestrator)", heap0 / 1048576.0, heap1 / 1048576.0,
          Report.fmt((heap1 - heap0) / 1024.0 / agents) + " KiB");
      report.line("");
      report.line("Submit to the last of the " + agents + " agents started: " + Report.fmt(allStarted)
          + " s; to PlanFinished (SUCCEEDED, every task merged) after the release: " + Report.fmt(finished) + " s.");
    }
  }

  private static void runHeld(AgentMesh mesh, String name, int tasks) throws Exception {
    String planId = mesh.master.submit(PlanGen.compile(mesh.plan(name, tasks, false)), 1.0);
    awaitStarted(mesh, tasks);
    mesh.release(tasks);
    Mesh.finished(mesh.master, planId, Duration.ofMinutes(2));
  }

  private static void awaitStarted(AgentMesh mesh, int n) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (mesh.started() < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + mesh.started() + " of " + n + " agents started within 5 minutes");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private static long openFds() throws IOException {
    try (var list = Files.list(Path.of("/proc/self/fd"))) {
      return list.count();
    }
  }

  private static String maxFds() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
        ? Long.toString(u.getMaxFileDescriptorCount()) : "unknown";
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
