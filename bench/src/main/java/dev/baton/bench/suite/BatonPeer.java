package dev.baton.bench.suite;

import dev.baton.cli.mesh.JavaCommand;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.SubmitPlanResponse;
import dev.baton.v1.TaskState;
import dev.baton.v1.WatchPlanRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Figure 9's Baton side: a master and the four sub-orchestrators as separate processes
 * ({@link MeshLauncher}, as {@code baton up} starts them, with its JVM options), a gRPC client in
 * this JVM; every task goes to {@link #DOMAIN}'s sub-orchestrator. The children run with
 * {@link JavaCommand#DEFAULT_JVM_OPTIONS} (C1 only): here that was faster than the full JIT, whose C2
 * compilations compete for the 2 cores with six busy JVMs (a chain of 100 on one domain: 120-130 ms
 * against 250-460 ms after the same short warm-up). A plan's time
 * is from the SubmitPlan call to its PlanFinished event arriving on WatchPlan (watched from the
 * sequence SubmitPlan returned), as {@code baton submit --wait} sees it.
 *
 * <p>The master's extra arguments are a parameter (the journal's {@code --journal PATH}, for one);
 * {@link #masterAccepts} asks a master's {@code --help} whether it knows an option.
 */
final class BatonPeer implements PeerSystem {
  /** The domain of every task: one sub-orchestrator does the work, as one worker does for Temporal. */
  static final String DOMAIN = "backend";
  /** Each sub-orchestrator's slots: the Temporal worker's default of concurrent activities (200). */
  static final List<String> ORCHESTRATOR_ARGS = List.of("--max-concurrent-tasks", "200");
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

  private final String label;
  private final Path runDir;
  private final MeshLauncher launcher;
  private final ManagedChannel channel;
  private final MasterGrpc.MasterBlockingStub master;

  private BatonPeer(String label, Path runDir, MeshLauncher launcher, String masterAddress) {
    this.label = label;
    this.runDir = runDir;
    this.launcher = launcher;
    this.channel = NettyChannelBuilder.forTarget(masterAddress).usePlaintext().build();
    this.master = MasterGrpc.newBlockingStub(channel);
  }

  /**
   * Starts the mesh; {@code masterArgs} are added to {@code baton master}'s command line, with
   * {@code {run}} replaced by the mesh's run directory (e.g. {@code --journal {run}/journal.db}).
   */
  static BatonPeer start(String label, List<String> masterArgs) {
    Path runDir;
    try {
      runDir = Files.createTempDirectory("baton-bench-peer");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a run directory", e);
    }
    List<String> args = masterArgs.stream().map(a -> a.replace("{run}", runDir.toString())).toList();
    MeshLauncher launcher = new MeshLauncher(MeshLauncher.Options.in(runDir)
        .withMasterArgs(args).withOrchestratorArgs(ORCHESTRATOR_ARGS));
    try {
      String address = launcher.startMesh(0).masterAddress();
      return new BatonPeer(label, runDir, launcher, address);
    } catch (RuntimeException e) {
      launcher.killAll();
      delete(runDir);
      throw e;
    }
  }

  /** Whether {@code baton master --help} (this class path's) lists {@code option}, e.g. {@code --journal}. */
  static boolean masterAccepts(String option) {
    List<String> command = new ArrayList<>(JavaCommand.current().baton(List.of("master", "--help")));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("baton master --help did not end within 60 s");
      }
      return help.lines().anyMatch(l -> l.contains(option + " ") || l.contains(option + "=") || l.endsWith(option));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run baton master --help", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public Run run(NoOpPlan plan) {
    SubmitPlanRequest request = SubmitPlanRequest.newBuilder().setPlan(plan.toBatonPlan(DOMAIN))
        .setTimeScale(PlanGen.NO_OP_SCALE).setRequestId(UUID.randomUUID().toString()).build();
    long t0 = System.nanoTime();
    SubmitPlanResponse submitted = master.withDeadlineAfter(30, TimeUnit.SECONDS).submitPlan(request);
    String planId = submitted.getPlanId();
    PlanEvent finished = null;
    // The watch is cancelled once PlanFinished is in: the client has its result and stops listening.
    Context.CancellableContext watch = Context.current().withCancellation();
    Context previous = watch.attach();
    try {
      Iterator<PlanEvent> events = master.withDeadlineAfter(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .watchPlan(WatchPlanRequest.newBuilder().setPlanId(planId)
              .setAfterSequence(submitted.getStatus().getLastSequence()).build());
      while (finished == null && events.hasNext()) {
        PlanEvent e = events.next();
        if (e.hasPlanFinished()) {
          finished = e;
        }
      }
    } finally {
      watch.detach(previous);
      watch.cancel(null);
    }
    double millis = (System.nanoTime() - t0) / 1e6;
    // Checked after the clock stopped: the final status, every task succeeded once.
    PlanStatus status = master.withDeadlineAfter(30, TimeUnit.SECONDS)
        .getPlan(GetPlanRequest.newBuilder().setPlanId(planId).build()).getStatus();
    long succeeded = status.getTasksList().stream().filter(t -> t.getState() == TaskState.TASK_STATE_SUCCEEDED
        && t.getAttempt() == 1).count();
    if (status.getState() != PlanState.PLAN_STATE_SUCCEEDED || succeeded != plan.tasks()) {
      throw new IllegalStateException(label + ": '" + plan.label() + "' (plan " + planId + ") ended "
          + status.getState() + (finished == null ? " without a PlanFinished on its watch" : "") + " with "
          + succeeded + " tasks succeeded at their first attempt (expected: " + plan.tasks() + "): "
          + status.getReason());
    }
    return new Run(millis, (int) succeeded);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    launcher.close();
    delete(runDir);
  }

  private static void delete(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
