package dev.baton.bench.suite;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.sync.ConflictDetector;
import dev.baton.runtime.orchestrator.OrchestratorConfig;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.runtime.orchestrator.SubOrchestratorServer;
import dev.baton.v1.PlanEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One master and {@code replicas} sub-orchestrators per domain, all in this JVM, each its own gRPC
 * server on localhost Netty (the wire, the codecs and the threads are the production ones; only the
 * process boundary is missing). The conflict detector is off: the suite measures orchestration.
 */
final class Mesh implements AutoCloseable {
  static final List<String> DOMAINS = List.of("frontend", "backend", "devops", "testing");

  final MasterServer master;
  final List<SubOrchestratorServer> subs = new ArrayList<>();
  private final Path workspaces;

  private Mesh(MasterServer master, Path workspaces) {
    this.master = master;
    this.workspaces = workspaces;
  }

  /**
   * @param replicas instances per domain
   * @param maxConcurrent each instance's max_concurrent_tasks (0 keeps the specialisation's)
   */
  static Mesh start(int replicas, int maxConcurrent) {
    return start(replicas, maxConcurrent, null);
  }

  /** @param journal the master's journal (a file, or postgres://...), or null to keep plans in memory */
  static Mesh start(int replicas, int maxConcurrent, String journal) {
    return start(replicas, maxConcurrent, journal, Securities.OPEN);
  }

  /** How each server of a mesh is secured: the master's, and each instance's by its domain. */
  interface Securities {
    /** Plaintext, every caller trusted: what every figure but the security one measures. */
    Securities OPEN = new Securities() {
      @Override
      public dev.baton.runtime.security.Security master() {
        return dev.baton.runtime.security.Security.open();
      }

      @Override
      public dev.baton.runtime.security.Security orchestrator(String domain) {
        return dev.baton.runtime.security.Security.open();
      }
    };

    dev.baton.runtime.security.Security master();

    dev.baton.runtime.security.Security orchestrator(String domain);
  }

  /** As {@link #start(int, int, String)}, each server secured by {@code security}. */
  static Mesh start(int replicas, int maxConcurrent, String journal, Securities security) {
    Path workspaces;
    try {
      workspaces = Files.createTempDirectory("baton-bench");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a workspace directory", e);
    }
    MasterServer master = MasterServer.start(MasterConfig.builder()
        .conflictDetector(ConflictDetector.none())
        .heartbeatInterval(Duration.ofMillis(200))
        .journal(journal)
        .security(security.master())
        .build());
    Mesh mesh = new Mesh(master, workspaces);
    try {
      for (String domain : DOMAINS) {
        for (int r = 1; r <= replicas; r++) {
          mesh.subs.add(SubOrchestratorServer.start(OrchestratorConfig.builder()
              .masterAddress(master.address())
              .instanceId(domain + "-bench-" + r)
              .workspaceRoot(workspaces)
              .heartbeatInterval(Duration.ofMillis(200))
              .maxConcurrentTasks(maxConcurrent)
              .security(security.orchestrator(domain))
              .build(), Specialisations.find(domain)));
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!mesh.subs.stream().allMatch(SubOrchestratorServer::registered)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("sub-orchestrators did not register with the master within 30 s");
        }
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      // Registration is seen by the master's registry on its own thread: one throwaway plan proves the path.
      mesh.run(PlanGen.compile(PlanGen.noOps("warmup", 4, 1)), PlanGen.NO_OP_SCALE, Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      mesh.close();
      throw e;
    }
    return mesh;
  }

  /** Submits a plan and waits for its PlanFinished; returns every event of the plan. */
  List<PlanEvent> run(PlanModel.Plan plan, double timeScale, Duration timeout) {
    return finished(submit(plan, timeScale), timeout);
  }

  String submit(PlanModel.Plan plan, double timeScale) {
    return master.submit(plan, timeScale);
  }

  /** Waits for the plan's PlanFinished event (delivered by a store subscription, no polling). */
  List<PlanEvent> finished(String planId, Duration timeout) {
    return finished(master, planId, timeout);
  }

  /** As {@link #finished(String, Duration)}, on any master. */
  static List<PlanEvent> finished(MasterServer master, String planId, Duration timeout) {
    CompletableFuture<PlanEvent> done = new CompletableFuture<>();
    try (var sub = master.store().subscribe(planId, 0, e -> {
      if (e.hasPlanFinished()) {
        done.complete(e);
      }
    })) {
      PlanEvent end = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (end.getPlanFinished().getState() != dev.baton.v1.PlanState.PLAN_STATE_SUCCEEDED) {
        throw new IllegalStateException("plan " + planId + " ended " + end.getPlanFinished().getState()
            + ": " + end.getPlanFinished().getReason());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("plan " + planId + " did not finish within " + timeout, e);
    }
    return master.store().read(planId, 0);
  }

  @Override
  public void close() {
    for (SubOrchestratorServer s : subs) {
      s.close();
    }
    master.close();
    try (var files = Files.walk(workspaces)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
