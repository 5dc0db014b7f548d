package dev.baton.runtime.droid;

import dev.baton.runtime.server.BatonException;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.Deliverable;
import dev.baton.v1.ExecutionIssue;
import dev.baton.v1.IssueSeverity;
import dev.baton.v1.SimulationSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The simulated droid: takes {@link SimulationSpec#getDurationMillis()} of wall clock (the master
 * already multiplied the estimate by the time scale), reports progress at fixed fractions, and
 * produces the documents the plan gave it.
 *
 * <p>Deterministic by construction: the steps run in order on the injected scheduler at fixed offsets,
 * and the outcome depends only on the spec and the attempt number, so failures are testable.
 */
public final class SimDroidExecutor implements DroidExecutor {
  /** The fractions of the duration at which progress is reported. */
  static final double[] PROGRESS_POINTS = {0.25, 0.5, 0.75};

  private final Path workspaceRoot;
  private final ScheduledExecutorService scheduler;

  public SimDroidExecutor(Path workspaceRoot, ScheduledExecutorService scheduler) {
    this.workspaceRoot = workspaceRoot;
    this.scheduler = scheduler;
  }

  @Override
  public RunningDroid start(DroidTask task, ProgressListener progress) {
    SimRun run = new SimRun(task, progress);
    run.schedule();
    return run;
  }

  private final class SimRun implements RunningDroid {
    private final DroidTask task;
    private final SimulationSpec spec;
    private final ProgressListener progress;
    private final CompletableFuture<DroidOutcome> outcome = new CompletableFuture<>();
    private final long duration;
    private final long startNanos = System.nanoTime();
    /** Index of the next step: the progress points, then the finish. Guarded by this. */
    private int next;
    private ScheduledFuture<?> pending;

    SimRun(DroidTask task, ProgressListener progress) {
      this.task = task;
      this.spec = task.delegation().getSimulation();
      this.progress = progress;
      this.duration = Math.max(0, spec.getDurationMillis());
    }

    synchronized void schedule() {
      pending = scheduler.schedule(this::runDue, offset(0), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs every step that is due, in order, then schedules the next one: one scheduled task at a
     * time, so steps at the same offset (all of them for a 0 ms task) run in one go and can never
     * overtake each other on a multi-threaded scheduler.
     */
    private void runDue() {
      for (;;) {
        int step;
        synchronized (this) {
          if (outcome.isDone()) {
            return;
          }
          step = next;
          long wait = offset(step) - (System.nanoTime() - startNanos) / 1_000_000;
          if (wait > 0) {
            pending = scheduler.schedule(this::runDue, wait, TimeUnit.MILLISECONDS);
            return;
          }
          next++;
        }
        // Outside the lock: the listener takes the execution manager's lock.
        if (step < PROGRESS_POINTS.length) {
          if (!supersededAtOnce(step)) {
            report(PROGRESS_POINTS[step]);
          }
        } else {
          if (!spec.getHang()) {
            finish();
          }
          return;
        }
      }
    }

    /**
     * True when the next step falls on the same millisecond (a 0 ms task: every step): a report
     * that is stale the moment it is made is left out, so a no-op task sends its RUNNING and its
     * result and nothing in between. Deterministic: it depends on the duration only.
     */
    private boolean supersededAtOnce(int step) {
      int following = step + 1;
      boolean followingExists = following < PROGRESS_POINTS.length || !spec.getHang();
      return followingExists && offset(following) == offset(step);
    }

    /** Milliseconds after the start at which step {@code step} is due. */
    private long offset(int step) {
      return step < PROGRESS_POINTS.length ? (long) (duration * PROGRESS_POINTS[step]) : duration;
    }

    private void report(double point) {
      if (!outcome.isDone()) {
        progress.progress(point, task.droid() + " simulated " + Math.round(point * 100) + "%");
      }
    }

    private void finish() {
      int attempt = task.delegation().getAttempt();
      int failFirst = spec.getFailFirstAttempts();
      if (attempt <= failFirst) {
        outcome.complete(
            DroidOutcome.failed(
                "simulated failure of attempt " + attempt + " (simulate.failFirstAttempts: "
                    + failFirst + "; attempt " + (failFirst + 1) + " succeeds)"));
        return;
      }
      try {
        outcome.complete(succeeded());
      } catch (RuntimeException e) {
        outcome.complete(DroidOutcome.failed("sim droid could not write its documents: " + e.getMessage()));
      }
    }

    private DroidOutcome succeeded() {
      DelegationPackage delegation = task.delegation();
      List<Deliverable> deliverables = new ArrayList<>();
      List<ExecutionIssue> issues = new ArrayList<>();
      Map<String, String> documents = new TreeMap<>(spec.getDocumentsMap());
      Path workspace = documents.isEmpty() ? null
          : task.workspace() != null ? task.workspace() : Workspaces.resolve(workspaceRoot, delegation, "");
      for (Map.Entry<String, String> document : documents.entrySet()) {
        String name = document.getKey();
        byte[] bytes = document.getValue().getBytes(StandardCharsets.UTF_8);
        Deliverable.Builder deliverable =
            Deliverable.newBuilder()
                .setName(name)
                .setMediaType(Workspaces.mediaType(name))
                .setContent(document.getValue())
                .setSizeBytes(bytes.length);
        try {
          Path file = Workspaces.inside(workspace, name, "simulate.documents");
          Files.createDirectories(file.getParent());
          Files.write(file, bytes);
          deliverable.setPath(workspace.relativize(file).toString());
        } catch (BatonException | IOException e) {
          issues.add(
              DroidOutcome.issue(
                  IssueSeverity.ISSUE_SEVERITY_WARNING,
                  "document '" + name + "' kept inline only: " + e.getMessage()));
        }
        deliverables.add(deliverable.build());
      }
      String summary =
          task.droid() + " simulated " + delegation.getTaskId() + " in "
              + Math.max(0, spec.getDurationMillis()) + " ms, " + deliverables.size() + " document(s)";
      return new DroidOutcome(
          DelegationStatus.DELEGATION_STATUS_SUCCEEDED, summary, deliverables, issues, 0,
          summary.length(), false, summary);
    }

    @Override
    public CompletableFuture<DroidOutcome> outcome() {
      return outcome;
    }

    @Override
    public void cancel(String reason) {
      synchronized (this) {
        if (pending != null) {
          pending.cancel(false);
        }
      }
      // Outside the lock: whoever completes the outcome runs the manager's handling of it.
      outcome.complete(DroidOutcome.cancelled("cancelled: " + reason));
    }
  }
}
