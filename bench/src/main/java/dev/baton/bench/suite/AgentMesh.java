package dev.baton.bench.suite;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.sync.ConflictDetector;
import dev.baton.runtime.orchestrator.AgentOptions;
import dev.baton.runtime.orchestrator.OrchestratorConfig;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.runtime.orchestrator.SubOrchestratorServer;
import dev.baton.v1.Plan;
import dev.baton.v1.PlanMetadata;
import dev.baton.v1.PlanSpec;
import dev.baton.v1.RepositorySpec;
import dev.baton.v1.RetryPolicySpec;
import dev.baton.v1.TaskSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A master and one backend sub-orchestrator in this JVM over localhost gRPC, whose claude runner is a
 * stand-in agent CLI ({@link #script}): a bash script that records when its process started, writes a
 * file in its worktree (so the task has a commit to merge), optionally waits to be released, and
 * prints a Claude Code stream-json result line. The plan's repository is a generated bare repository
 * on local disk, reached by file:// URL by both the master (integration branch) and the sub-orchestrator
 * (its cache and worktrees).
 */
final class AgentMesh implements AutoCloseable {
  final Path dir;
  final Path origin;
  final int files;
  final Path starts;
  final Path fifo;
  final MasterServer master;
  final SubOrchestratorServer sub;

  private AgentMesh(Path dir, Path origin, int files, Path starts, Path fifo, MasterServer master,
      SubOrchestratorServer sub) {
    this.dir = dir;
    this.origin = origin;
    this.files = files;
    this.starts = starts;
    this.fifo = fifo;
    this.master = master;
    this.sub = sub;
  }

  /**
   * @param files files in the generated repository
   * @param slots the sub-orchestrator's max_concurrent_tasks
   * @param hold whether each agent waits for a line on {@link #fifo} (at most 300 s) before it ends
   */
  static AgentMesh start(int files, int slots, boolean hold) throws IOException {
    Path dir = Files.createTempDirectory("baton-bench-agents");
    Path origin = GitRepos.bare(dir.resolve("origin.git"), files);
    Path starts = Files.createDirectories(dir.resolve("starts"));
    Path fifo = dir.resolve("release.fifo");
    GitRepos.run(dir, List.of("mkfifo", fifo.toString()));
    Path claude = script(dir.resolve("claude"), starts, hold ? fifo : null);
    MasterServer master = MasterServer.start(MasterConfig.builder()
        .conflictDetector(ConflictDetector.none())
        .heartbeatInterval(Duration.ofMillis(200))
        .gitDir(dir.resolve("master-git"))
        .gitPort(-1)
        .build());
    SubOrchestratorServer sub;
    try {
      sub = SubOrchestratorServer.start(OrchestratorConfig.builder()
          .masterAddress(master.address())
          .instanceId("backend-agents")
          .workspaceRoot(dir.resolve("sub"))
          .heartbeatInterval(Duration.ofMillis(200))
          .maxConcurrentTasks(slots)
          .agents(new AgentOptions("claude", Map.of("claude", claude.toString()), Map.of(), null, null, null, null,
              null, null))
          .build(), Specialisations.find("backend"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!sub.registered()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the sub-orchestrator did not register with the master within 30 s");
        }
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    } catch (RuntimeException e) {
      master.close();
      throw e;
    }
    return new AgentMesh(dir, origin, files, starts, fifo, master, sub);
  }

  /**
   * The stand-in claude. {@code $EPOCHREALTIME} is a bash builtin (microseconds, no fork), read as the
   * first command, so the recorded start is the spawn plus bash's own start (about 1-2 ms).
   */
  private static Path script(Path path, Path starts, Path fifo) throws IOException {
    String text = "#!/bin/bash\n"
        + "t=$EPOCHREALTIME\n"
        + "name=${PWD##*/}\n"
        + "cat > /dev/null\n"
        + "echo \"$t\" > \"bench-$name.txt\"\n"
        + "touch '" + starts + "'/\"$name.start\"\n"
        + (fifo == null ? "" : "exec 3<>'" + fifo + "'\nread -t 300 -u 3 _\n")
        + "printf '%s\\n' '{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\",\"model\":\"bench\",\"tools\":[]}'\n"
        + "printf '%s\\n' '{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"duration_ms\":1,"
        + "\"duration_api_ms\":1,\"num_turns\":1,\"result\":\"done\",\"session_id\":\"s\",\"total_cost_usd\":0,"
        + "\"usage\":{\"input_tokens\":1,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
        + "\"output_tokens\":1}}'\n"
        + "echo \"$t $EPOCHREALTIME\" > '" + starts + "'/\"$name.tmp\" && mv '" + starts + "'/\"$name.tmp\" '"
        + starts + "'/\"$name\"\n";
    Files.writeString(path, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    return path;
  }

  /** A plan of {@code tasks} backend tasks on the repository; task i depends on task i-1 when chained. */
  Plan plan(String name, int tasks, boolean chain) {
    PlanSpec.Builder spec = PlanSpec.newBuilder().setStrategy("parallel").setDelegationPolicy("score")
        .setRunner("claude")
        .setRetry(RetryPolicySpec.newBuilder().setMaxRetries(0).setBackoff("1s"))
        .setRepository(RepositorySpec.newBuilder().setUrl(origin.toUri().toString())
            .setBaseBranch(GitRepos.BRANCH));
    for (int i = 0; i < tasks; i++) {
      TaskSpec.Builder t = TaskSpec.newBuilder().setId("t" + i).setDescription("Build part " + i)
          .setOrchestrator("backend").setEstimate("10m");
      if (chain && i > 0) {
        t.addDependsOn("t" + (i - 1));
      }
      spec.addTasks(t);
    }
    return Plan.newBuilder().setApiVersion("baton.dev/v1").setKind("Plan")
        .setMetadata(PlanMetadata.newBuilder().setName(name)).setSpec(spec).build();
  }

  /**
   * Agent start and end times, epoch microseconds, by worktree name (the task's id, {@code t3}: every attempt of a task works at one path), of the agents that
   * have finished writing them.
   */
  Map<String, long[]> agentTimes() throws IOException {
    Map<String, long[]> times = new HashMap<>();
    try (var list = Files.list(starts)) {
      for (Path p : list.filter(p -> !p.getFileName().toString().contains(".")).toList()) {
        String[] words = Files.readString(p).strip().split(" ");
        times.put(p.getFileName().toString(), new long[] {micros(words[0]), micros(words[1])});
      }
    }
    return times;
  }

  /** Agents that have started (and are past their first few commands), for the held ones. */
  int started() throws IOException {
    try (var list = Files.list(starts)) {
      return (int) list.filter(p -> p.getFileName().toString().endsWith(".start")).count();
    }
  }

  /** Forgets which agents started (before the next plan, whose task ids are the same). */
  void clearStarts() throws IOException {
    try (var list = Files.list(starts)) {
      for (Path p : list.toList()) {
        Files.delete(p);
      }
    }
  }

  /** Releases {@code n} held agents (one line each on the FIFO). */
  void release(int n) throws IOException {
    Files.writeString(fifo, "\n".repeat(n));
  }

  private static long micros(String epochRealtime) {
    String[] parts = epochRealtime.split("[.,]");
    return Long.parseLong(parts[0]) * 1_000_000L + Long.parseLong((parts[1] + "000000").substring(0, 6));
  }

  @Override
  public void close() {
    // Each server gives the other's open stream (Execute, Coordinate) 2 s to end when closed one
    // after the other; closed together, each stream ends at once (4 s less per figure).
    var subClosed = java.util.concurrent.CompletableFuture.runAsync(sub::close);
    master.close();
    subClosed.join();
    GitRepos.deleteTree(dir);
  }
}
