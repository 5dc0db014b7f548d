package dev.baton.runtime.execution;

import dev.baton.runtime.text.Lines;
import dev.baton.runtime.droid.DroidExecutor;
import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.ProgressListener;
import dev.baton.runtime.droid.RunningDroid;
import dev.baton.runtime.droid.VerifyCommand;
import dev.baton.runtime.droid.Workspaces;
import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.git.GitException;
import dev.baton.runtime.git.PreparedWorkspace;
import dev.baton.runtime.git.WorkspaceProvider;
import dev.baton.runtime.policy.Autonomy;
import dev.baton.runtime.prompt.PromptRenderer;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.Deliverable;
import dev.baton.v1.GitResult;
import dev.baton.v1.IssueSeverity;
import dev.baton.v1.VerifyResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a runner with what a real task needs around the agent: a workspace (a git worktree of the
 * plan's repository at the commit that holds the task's dependencies, else a plain directory), the
 * rendered prompt, the package's deadline, the {@code verify} command that decides success, and
 * publishing the work (Baton's commit of what the droid left, with trailers, pushed to the task
 * branch) before the worktree is released by policy.
 *
 * <p>A task with none of those (no repository, no verify, a runner that takes no prompt: the sim
 * and command droids of plans without a repository) goes straight to the runner, on the caller's
 * thread, as before. Everything else runs on {@code blocking}: git and the verify command block,
 * and Execute is handled on the transport's thread.
 */
public final class TaskPipeline implements DroidExecutor {
  private static final Logger log = LoggerFactory.getLogger(TaskPipeline.class);

  /** Runners that take a prompt. */
  public static final Set<String> PROMPTED = Set.of("claude", "droid", "codex", "scripted");

  private final String runner;
  private final DroidExecutor inner;
  private final Settings settings;

  /**
   * What every pipeline of one instance shares.
   *
   * @param workspaceRoot plain workspaces of prompted runners on plans without a repository
   * @param workspaces git worktrees of plans with a repository
   * @param prompts the prompt template
   * @param verify runs verify commands
   * @param repositoryDroids the definition of a droid as the task's worktree defines it
   *     ({@code .factory/droids}, {@code .claude/agents}), if it does: overrides the instance's
   * @param blocking runs the blocking steps
   */
  public record Settings(
      String instanceId,
      Path workspaceRoot,
      WorkspaceProvider workspaces,
      PromptRenderer prompts,
      VerifyCommand verify,
      BiFunction<Path, String, Optional<DroidDefinition>> repositoryDroids,
      Executor blocking,
      ScheduledExecutorService scheduler) {
    public Settings {
      Objects.requireNonNull(instanceId, "instanceId");
      Objects.requireNonNull(workspaceRoot, "workspaceRoot");
      Objects.requireNonNull(workspaces, "workspaces");
      Objects.requireNonNull(prompts, "prompts");
      Objects.requireNonNull(verify, "verify");
      Objects.requireNonNull(repositoryDroids, "repositoryDroids");
      Objects.requireNonNull(blocking, "blocking");
      Objects.requireNonNull(scheduler, "scheduler");
    }
  }

  public TaskPipeline(String runner, DroidExecutor inner, Settings settings) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.inner = Objects.requireNonNull(inner, "inner");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Wraps every runner of the map. */
  public static Map<String, DroidExecutor> wrapAll(Map<String, DroidExecutor> runners, Settings settings) {
    Map<String, DroidExecutor> out = new LinkedHashMap<>();
    runners.forEach((kind, executor) -> out.put(kind, new TaskPipeline(kind, executor, settings)));
    return out;
  }

  @Override
  public RunningDroid start(DroidTask task, ProgressListener progress) {
    DelegationPackage d = task.delegation();
    boolean prompted = PROMPTED.contains(runner);
    if (!d.hasRepository() && d.getVerify().isEmpty() && !prompted) {
      return inner.start(task, progress);
    }
    Run run = new Run(task, progress, prompted);
    settings.blocking().execute(run::prepareAndStart);
    return run;
  }

  /** One task through the pipeline. Its fields are guarded by {@code this}. */
  private final class Run implements RunningDroid {
    private final DroidTask task;
    private final ProgressListener progress;
    private final boolean prompted;
    private final CompletableFuture<DroidOutcome> outcome = new CompletableFuture<>();
    private RunningDroid running;
    private String cancelledBecause;
    private boolean deadlinePassed;
    private ScheduledFuture<?> deadlineTimer;
    private PreparedWorkspace worktree;
    private String prompt = "";

    Run(DroidTask task, ProgressListener progress, boolean prompted) {
      this.task = task;
      this.progress = progress;
      this.prompted = prompted;
    }

    void prepareAndStart() {
      DelegationPackage d = task.delegation();
      try {
        Path path;
        DroidDefinition definition = task.definition();
        if (d.hasRepository()) {
          progress.progress(0, "preparing a worktree of " + d.getRepository().getUrl() + " at "
              + Lines.shortSha(d.getRepository().getBaseCommit()));
          PreparedWorkspace prepared = settings.workspaces().prepare(d.getPlanId(), d.getTaskId(), d.getAttempt(),
              d.getRepository());
          synchronized (this) {
            worktree = prepared;
          }
          path = prepared.path();
          Optional<DroidDefinition> own = settings.repositoryDroids().apply(path, task.droid());
          if (own.isEmpty() && definition.format() == DroidDefinition.Format.BUILT_IN && !d.getDroid().isEmpty()) {
            fail("droid '" + task.droid() + "' is defined neither by " + settings.instanceId()
                + " nor by the repository's .factory/droids or .claude/agents at " + Lines.shortSha(d.getRepository().getBaseCommit()));
            return;
          }
          definition = own.orElse(definition);
          // The repository's own definition may ask for more than the one Delegate was judged by.
          String refused = autonomyRefused(definition);
          if (refused != null) {
            fail(refused);
            return;
          }
        } else if (prompted || !d.getVerify().isEmpty()) {
          path = Workspaces.resolve(settings.workspaceRoot(), d, "");
        } else {
          path = null;
        }
        String rendered = prompted ? settings.prompts().render(d, definition) : "";
        RunningDroid started;
        synchronized (this) {
          prompt = rendered;
          if (cancelledBecause != null) {
            finishCancelled();
            return;
          }
          armDeadline();
          started = inner.start(new DroidTask(d, task.droid(), definition, path, rendered, task.options()), progress);
          running = started;
        }
        started.outcome().whenComplete((o, error) -> settings.blocking().execute(() ->
            afterDroid(error != null ? DroidOutcome.failed("droid crashed: " + error) : o, path)));
      } catch (GitException e) {
        fail("workspace: " + e.getMessage() + " (check that the repository URL is reachable from "
            + settings.instanceId() + " and the base commit exists)");
      } catch (RuntimeException e) {
        log.warn("task {} could not start", d.getTaskId(), e);
        fail("could not start the droid: " + e.getMessage());
      }
    }

    /** Why the task's options forbid this definition's autonomy on this runner, or null. */
    private String autonomyRefused(DroidDefinition definition) {
      Autonomy max = task.options().maxAutonomy();
      Optional<Autonomy> wanted = Autonomy.of(definition, runner);
      if (max == null || wanted.isEmpty() || wanted.get().atMost(max)) {
        return null;
      }
      return "droid policy: droid '" + task.droid() + "' as the repository defines it (" + definition.source()
          + ") runs " + runner + " at autonomy " + wanted.get().wireName() + ", above " + max.wireName()
          + ", the highest for this submitter (lower its autonomy, or have a role with more submit the plan)";
    }

    private void armDeadline() {
      DelegationPackage d = task.delegation();
      if (!d.hasDeadline()) {
        return;
      }
      Instant deadline = Instant.ofEpochSecond(d.getDeadline().getSeconds(), d.getDeadline().getNanos());
      long millis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
      deadlineTimer = settings.scheduler().schedule(() -> {
        RunningDroid toStop;
        synchronized (this) {
          if (outcome.isDone() || cancelledBecause != null) {
            return;
          }
          deadlinePassed = true;
          toStop = running;
        }
        if (toStop != null) {
          toStop.cancel("the task's deadline " + deadline + " passed");
        }
      }, millis, TimeUnit.MILLISECONDS);
    }

    private void afterDroid(DroidOutcome droidOutcome, Path path) {
      DelegationPackage d = task.delegation();
      DroidOutcome result = droidOutcome;
      boolean wasDeadline;
      synchronized (this) {
        if (deadlineTimer != null) {
          deadlineTimer.cancel(false);
        }
        wasDeadline = deadlinePassed;
      }
      if (wasDeadline && result.status() == DelegationStatus.DELEGATION_STATUS_CANCELLED) {
        result = result.withStatus(DelegationStatus.DELEGATION_STATUS_FAILED,
            "the task's deadline passed while the droid ran; it was stopped", List.of());
      }
      DelegationResult.Builder details = DelegationResult.newBuilder().setPrompt(prompt);
      PreparedWorkspace prepared;
      synchronized (this) {
        prepared = worktree;
      }
      try {
        if (result.status() == DelegationStatus.DELEGATION_STATUS_SUCCEEDED && !d.getVerify().isEmpty()) {
          progress.progress(0.95, "verifying: " + d.getVerify());
          VerifyResult verify = settings.verify().run(d.getVerify(), path, d.getAttempt(), task.options());
          details.setVerify(verify);
          if (verify.getExitCode() != 0) {
            // The issue says it all too: the master reports a failed task by its first error issue.
            String why = "verify `" + d.getVerify() + "` exited with " + verify.getExitCode()
                + Lines.lastAsDetail(verify.getOutputTail());
            result = result.withStatus(DelegationStatus.DELEGATION_STATUS_FAILED, why,
                List.of(DroidOutcome.issue(IssueSeverity.ISSUE_SEVERITY_ERROR, why)));
          }
        }
        if (prepared != null && result.status() == DelegationStatus.DELEGATION_STATUS_SUCCEEDED) {
          progress.progress(0.98, "committing and pushing " + d.getRepository().getTaskBranch());
          GitResult git = prepared.publish(subject(d), trailers(d, task.droid(), result));
          details.setGit(git);
          result = result.withDeliverables(deliverables(d, path, result.deliverables()));
        }
      } catch (GitException e) {
        result = result.withStatus(DelegationStatus.DELEGATION_STATUS_FAILED,
            "could not publish the task's work: " + e.getMessage(), List.of());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result = result.withStatus(DelegationStatus.DELEGATION_STATUS_FAILED, "interrupted while verifying", List.of());
      } catch (RuntimeException e) {
        log.warn("task {}: after the droid", d.getTaskId(), e);
        result = result.withStatus(DelegationStatus.DELEGATION_STATUS_FAILED,
            "after the droid: " + e.getMessage(), List.of());
      } finally {
        if (prepared != null) {
          prepared.release(result.status() == DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
        }
      }
      outcome.complete(result.withDetails(details.build()));
    }

    @Override
    public CompletableFuture<DroidOutcome> outcome() {
      return outcome;
    }

    @Override
    public void cancel(String reason) {
      RunningDroid toStop;
      synchronized (this) {
        if (cancelledBecause != null || outcome.isDone()) {
          return;
        }
        cancelledBecause = reason;
        toStop = running;
      }
      // A droid still being prepared notices the cancel before it starts.
      if (toStop != null) {
        toStop.cancel(reason);
      }
    }

    private void finishCancelled() {
      if (worktree != null) {
        worktree.release(false);
      }
      outcome.complete(DroidOutcome.cancelled("cancelled before the droid started: " + cancelledBecause));
    }

    private void fail(String message) {
      PreparedWorkspace prepared;
      synchronized (this) {
        prepared = worktree;
      }
      if (prepared != null) {
        prepared.release(false);
      }
      outcome.complete(DroidOutcome.failed(message).withDetails(DelegationResult.newBuilder().setPrompt(prompt).build()));
    }
  }

  private static String subject(DelegationPackage d) {
    String description = d.getTaskDescription().strip().replace('\n', ' ');
    if (description.length() > 60) {
      description = description.substring(0, 57) + "...";
    }
    return d.getTaskId() + ": " + (description.isEmpty() ? "work of task " + d.getTaskId() : description);
  }

  private static Map<String, String> trailers(DelegationPackage d, String droid, DroidOutcome outcome) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("Baton-Plan", d.getPlanId());
    t.put("Baton-Task", d.getTaskId());
    t.put("Baton-Attempt", Integer.toString(d.getAttempt()));
    t.put("Baton-Droid", droid);
    if (!outcome.sessionId().isEmpty()) {
      t.put("Baton-Session", outcome.sessionId());
    }
    t.values().removeIf(String::isEmpty);
    return t;
  }

  /** The expected deliverables and the published documents as found in the worktree, then the droid's own. */
  private static List<Deliverable> deliverables(DelegationPackage d, Path path, List<Deliverable> fromDroid) {
    Set<String> names = new LinkedHashSet<>(d.getExpectedDeliverablesList());
    names.addAll(d.getPublishesMap().values());
    List<Deliverable> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String name : names) {
      Workspaces.deliverable(path, name).ifPresent(found -> {
        out.add(found);
        seen.add(found.getName());
      });
    }
    for (Deliverable own : fromDroid) {
      if (seen.add(own.getName())) {
        out.add(own);
      }
    }
    return out;
  }
}
