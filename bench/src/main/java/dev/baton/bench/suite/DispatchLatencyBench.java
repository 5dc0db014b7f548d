package dev.baton.bench.suite;

import com.google.protobuf.Timestamp;
import dev.baton.master.plan.PlanModel;
import dev.baton.runtime.git.PreparedWorkspace;
import dev.baton.runtime.git.TaskWorkspaces;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.RepositoryCheckout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Figure 7: from a task's last dependency finishing (its TaskSucceeded, appended once its commit is
 * merged) to the agent process of the task starting, on a chain of tasks over real localhost gRPC
 * with a git repository; and what that time consists of, from the events and the agents' own clocks
 * (same host, same wall clock).
 */
final class DispatchLatencyBench {
  private DispatchLatencyBench() {}

  static void run(Report report, boolean quick, int files, int tasks) throws Exception {
    report.section("7. Dependency finished to agent started", "A chain of " + tasks + " tasks (each depends on"
        + " the previous) on one backend sub-orchestrator with the claude runner, repository of " + files
        + " files (file:// remote). The agent is a bash stand-in that records `$EPOCHREALTIME` as its first"
        + " command, writes one file and prints a stream-json result" + (quick ? "" : "; after a warm-up plan of 5")
        + ". Times in ms, p50 / p99 over the "
        + (tasks - 1) + " dependent tasks. Segments: the dependency's agent exit to its TaskSucceeded (its"
        + " result on the wire, Baton's commit and push of the task branch, the master's merge into the"
        + " integration branch); TaskSucceeded to the next task's TaskStarted.started_at (the"
        + " sub-orchestrator's clock when it began the task: promotion and dispatch on the master, the Execute"
        + " message, the sub-orchestrator accepting it; TaskDelegated itself is appended when the acceptance is"
        + " back at the master, so it comes later); started_at to the agent's first command (fetch of the base commit into the"
        + " cache, `git worktree add`, checkout, prompt render, process spawn, bash start).");
    try (AgentMesh mesh = AgentMesh.start(files, 4, false)) {
      // One throwaway plan warms the JIT, the gRPC paths and the caches.
      if (!quick) {
        runPlan(mesh, "warmup", 5);
      }
      List<Map<String, Double>> samples = runPlan(mesh, "chain", tasks);
      report.header("segment", "p50 ms", "p99 ms");
      for (String segment : List.of("dependency TaskSucceeded -> agent process started",
          "dependency agent exit -> its TaskSucceeded", "of which TaskMerged -> TaskSucceeded",
          "TaskSucceeded -> TaskStarted.started_at", "(TaskSucceeded -> TaskDelegated, the acceptance back)",
          "started_at -> agent process started", "dependency agent exit -> agent process started")) {
        List<Double> v = samples.stream().map(m -> m.get(segment)).toList();
        report.row(segment, Stats.percentile(v, 50), Stats.percentile(v, 99));
      }
      int n = quick ? 2 : 20;
      List<Double> prepare = warmPrepares(mesh, n, false);
      report.row("for reference: warm `TaskWorkspaces.prepare` of this repository, called directly",
          Stats.percentile(prepare, 50), Stats.percentile(prepare, 99));
      List<Double> fetching = warmPrepares(mesh, n, true);
      report.row("for reference: the same, of a new commit the cache must fetch (as each task of the chain)",
          Stats.percentile(fetching, 50), Stats.percentile(fetching, 99));
      List<Double> spawn = spawns(quick ? 2 : 20);
      report.row("for reference: `ProcessBuilder.start` of bash to its first command", Stats.percentile(spawn, 50),
          Stats.percentile(spawn, 99));
    }
  }

  private static List<Map<String, Double>> runPlan(AgentMesh mesh, String name, int tasks) throws Exception {
    PlanModel.Plan plan = PlanGen.compile(mesh.plan(name, tasks, true));
    String planId = mesh.master.submit(plan, 1.0);
    List<PlanEvent> events = Mesh.finished(mesh.master, planId, Duration.ofMinutes(10));
    Map<String, long[]> agents = mesh.agentTimes();
    Map<String, Long> succeeded = new HashMap<>();
    Map<String, Long> merged = new HashMap<>();
    Map<String, Long> delegated = new HashMap<>();
    Map<String, Long> startedAt = new HashMap<>();
    for (PlanEvent e : events) {
      long at = micros(e.getTime());
      if (e.hasTaskSucceeded()) {
        succeeded.put(e.getTaskSucceeded().getTaskId(), at);
      } else if (e.hasTaskMerged()) {
        merged.put(e.getTaskMerged().getTaskId(), at);
      } else if (e.hasTaskDelegated()) {
        delegated.putIfAbsent(e.getTaskDelegated().getTaskId(), at);
      } else if (e.hasTaskStarted()) {
        startedAt.putIfAbsent(e.getTaskStarted().getTaskId(), micros(e.getTaskStarted().getStartedAt()));
      }
    }
    List<Map<String, Double>> samples = new ArrayList<>();
    for (int i = 1; i < tasks; i++) {
      String dep = "t" + (i - 1);
      String task = "t" + i;
      long[] depAgent = agents.get(dep);
      long[] agent = agents.get(task);
      if (depAgent == null || agent == null || !merged.containsKey(dep)) {
        throw new IllegalStateException("plan " + planId + ": no agent times or merge for " + dep + "/" + task
            + " (agents seen: " + agents.keySet() + ")");
      }
      Map<String, Double> m = new HashMap<>();
      m.put("dependency TaskSucceeded -> agent process started", ms(agent[0] - succeeded.get(dep)));
      m.put("dependency agent exit -> its TaskSucceeded", ms(succeeded.get(dep) - depAgent[1]));
      m.put("of which TaskMerged -> TaskSucceeded", ms(succeeded.get(dep) - merged.get(dep)));
      m.put("TaskSucceeded -> TaskStarted.started_at", ms(startedAt.get(task) - succeeded.get(dep)));
      m.put("(TaskSucceeded -> TaskDelegated, the acceptance back)", ms(delegated.get(task) - succeeded.get(dep)));
      m.put("started_at -> agent process started", ms(agent[0] - startedAt.get(task)));
      m.put("dependency agent exit -> agent process started", ms(agent[0] - depAgent[1]));
      samples.add(m);
    }
    return samples;
  }

  private static List<Double> warmPrepares(AgentMesh mesh, int n, boolean newCommits) throws Exception {
    Path root = mesh.dir.resolve(newCommits ? "calibration-fetch" : "calibration");
    TaskWorkspaces ws = new TaskWorkspaces(TaskWorkspaces.Settings.defaults(root), Clock.systemUTC());
    String url = mesh.origin.toUri().toString();
    RepositoryCheckout checkout = RepositoryCheckout.newBuilder().setUrl(url)
        .setBaseCommit(GitRepos.git(mesh.origin, "rev-parse", GitRepos.BRANCH).strip()).build();
    ws.prepare("calibration", "warmup", 1, checkout).release(true);
    // Commits the cache has never seen, made up front (not timed), one per prepare.
    List<String> commits = newCommits ? GitRepos.taskCommits(mesh.origin, mesh.files, n, 3) : List.of();
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RepositoryCheckout c = newCommits ? checkout.toBuilder().setBaseCommit(commits.get(i)).build() : checkout;
      long s = System.nanoTime();
      PreparedWorkspace w = ws.prepare("calibration", "t" + i, 1, c);
      ms.add((System.nanoTime() - s) / 1e6);
      w.release(true);
    }
    return ms;
  }

  private static List<Double> spawns(int n) throws Exception {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < n + 3; i++) {
      Instant start = Instant.now();
      Process p = new ProcessBuilder("bash", "-c", "echo $EPOCHREALTIME").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor();
      String[] parts = out.split("[.,]");
      long t = Long.parseLong(parts[0]) * 1_000_000L + Long.parseLong((parts[1] + "000000").substring(0, 6));
      if (i >= 3) {
        ms.add((t - (start.getEpochSecond() * 1_000_000L + start.getNano() / 1_000)) / 1000.0);
      }
    }
    return ms;
  }

  private static long micros(Timestamp t) {
    return t.getSeconds() * 1_000_000L + t.getNanos() / 1_000;
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }
}
