package dev.baton.runtime.agent;

import dev.baton.runtime.text.Lines;
import dev.baton.runtime.droid.DroidExecutor;
import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.ProgressListener;
import dev.baton.runtime.droid.RunningDroid;
import dev.baton.runtime.droid.Workspaces;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.Deliverable;
import dev.baton.v1.DroidCompletion;
import dev.baton.v1.DroidError;
import dev.baton.v1.DroidEvent;
import dev.baton.v1.DroidFileChange;
import dev.baton.v1.DroidMessage;
import dev.baton.v1.DroidToolCall;
import dev.baton.v1.DroidToolResult;
import dev.baton.v1.ExecutionIssue;
import dev.baton.v1.IssueSeverity;
import dev.baton.v1.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runner {@code scripted}: replays a {@link ScriptedScenario} in-process, without a subprocess,
 * with the same events, real file edits in the workspace, usage, budgets and outcomes as the CLI
 * runners. For demos and tests of everything around an agent without a model or a key.
 *
 * <p>The scenario of task {@code T} is the first found of {@code <scenarioDir>/T.yaml|.yml|.json}
 * (a directory the sub-orchestrator is configured with), {@code .baton/scenarios/T.yaml|.yml|.json}
 * in the task's workspace (the repository), else a default that writes {@code notes/T.md} and
 * succeeds. Steps run on the injected scheduler, one at a time, so a {@code sleep} waits without a
 * thread and events arrive in order.
 */
public final class ScriptedRunner implements DroidExecutor {
  public static final String KIND = "scripted";
  private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");

  private final Path scenarioDir;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final PriceTable prices;

  /** @param scenarioDir where the operator's scenarios live; null: only the workspace's and the default */
  public ScriptedRunner(Path scenarioDir, ScheduledExecutorService scheduler) {
    this(scenarioDir, scheduler, Clock.systemUTC(), PriceTable.defaults());
  }

  public ScriptedRunner(Path scenarioDir, ScheduledExecutorService scheduler, Clock clock, PriceTable prices) {
    this.scenarioDir = scenarioDir;
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.prices = Objects.requireNonNull(prices, "prices");
  }

  @Override
  public RunningDroid start(DroidTask task, ProgressListener progress) {
    Optional<RunningDroid> missing = AgentProcess.requireWorkspace(KIND, task);
    if (missing.isPresent()) {
      return missing.get();
    }
    ScriptedScenario scenario;
    try {
      scenario = scenarioFor(task);
    } catch (RuntimeException e) {
      return AgentProcess.finished(DroidOutcome.failed("scripted runner: " + e.getMessage()));
    }
    Run run = new Run(task, scenario, progress);
    run.begin();
    return run;
  }

  /** The scenario task {@code task} replays (see the class comment for where it is looked up). */
  ScriptedScenario scenarioFor(DroidTask task) {
    String id = task.delegation().getTaskId();
    List<Path> candidates = new ArrayList<>();
    if (scenarioDir != null) {
      EXTENSIONS.forEach(ext -> candidates.add(scenarioDir.resolve(id + ext)));
    }
    EXTENSIONS.forEach(ext -> candidates.add(task.workspace().resolve(".baton").resolve("scenarios").resolve(id + ext)));
    for (Path candidate : candidates) {
      if (!id.isBlank() && !id.contains("/") && !id.contains("..") && Files.isRegularFile(candidate)) {
        return ScriptedScenario.load(candidate);
      }
    }
    return ScriptedScenario.defaultFor(id, task.delegation().getTaskDescription());
  }

  private final class Run implements RunningDroid {
    private final DroidTask task;
    private final ScriptedScenario scenario;
    private final ProgressListener progress;
    private final Path workspace;
    private final Budgets budgets;
    private final String sessionId;
    private final CompletableFuture<DroidOutcome> outcome = new CompletableFuture<>();
    // Guarded by this.
    private int next;
    private Usage usage = Usage.getDefaultInstance();
    private boolean explicitCost;
    private int tools;
    private String lastMessage = "";
    private ScheduledFuture<?> pending;
    private ScheduledFuture<?> wallTimer;

    Run(DroidTask task, ScriptedScenario scenario, ProgressListener progress) {
      this.task = task;
      this.scenario = scenario;
      this.progress = progress;
      this.workspace = task.workspace().toAbsolutePath().normalize();
      this.budgets = Budgets.of(task.delegation().getBudget(), task.definition().budget());
      String resume = task.delegation().getResumeSessionId();
      this.sessionId = resume.isBlank()
          ? "scripted-" + task.delegation().getPlanId() + "-" + task.delegation().getTaskId() + "-"
              + task.delegation().getAttempt()
          : resume;
    }

    void begin() {
      progress.progress(0, "scripted scenario from " + scenario.source() + " (" + scenario.steps().size() + " steps)");
      synchronized (this) {
        budgets.wallLimit(task.delegation().hasDeadline() ? task.delegation().getDeadline() : null, clock)
            .ifPresent(limit -> wallTimer = scheduler.schedule(
                () -> end(failed(limit.overrun().message(), "wall")), limit.after().toMillis(), TimeUnit.MILLISECONDS));
        pending = scheduler.schedule(this::advance, 0, TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public CompletableFuture<DroidOutcome> outcome() {
      return outcome;
    }

    @Override
    public void cancel(String reason) {
      end(outcome(DelegationStatus.DELEGATION_STATUS_CANCELLED, "cancelled: " + reason, "", -1));
    }

    /** Runs steps until one waits (sleep, hang) or ends the run. On the scheduler's threads. */
    private synchronized void advance() {
      while (!outcome.isDone()) {
        if (next >= scenario.steps().size()) {
          complete(lastMessage, false);
          end(outcome(DelegationStatus.DELEGATION_STATUS_SUCCEEDED, "scripted droid finished" + Lines.firstAsDetail(lastMessage), "", 0));
          return;
        }
        ScriptedScenario.Step step = scenario.steps().get(next++);
        try {
          if (!run(step)) {
            return;
          }
        } catch (IOException | RuntimeException e) {
          String message = scenario.source() + " step " + next + ": " + e.getMessage();
          emit(DroidEvent.newBuilder().setError(DroidError.newBuilder().setMessage(message)).build());
          end(failed(message, ""));
          return;
        }
      }
    }

    /** Runs one step; false when the run waits (or ended). */
    private boolean run(ScriptedScenario.Step step) throws IOException {
      if (step instanceof ScriptedScenario.Message m) {
        emit(DroidEvent.newBuilder().setMessage(DroidMessage.newBuilder().setRole(m.role()).setText(Bounds.text(m.text()))).build());
        if ("assistant".equals(m.role())) {
          lastMessage = m.text();
          addUsage(new ScriptedScenario.AddUsage(0, 0, 0, 0, 0, 1));
        }
      } else if (step instanceof ScriptedScenario.Tool t) {
        String id = "scripted-tool-" + (++tools);
        emit(DroidEvent.newBuilder().setToolCall(DroidToolCall.newBuilder().setId(id).setName(t.name())
            .setInput(Bounds.text(t.input()))).build());
        emit(DroidEvent.newBuilder().setToolResult(DroidToolResult.newBuilder().setId(id)
            .setOutput(Bounds.text(t.output())).setIsError(t.isError())).build());
      } else if (step instanceof ScriptedScenario.Write w) {
        Path file = Workspaces.inside(workspace, w.path(), "write");
        boolean existed = Files.exists(file);
        Files.createDirectories(file.getParent());
        Files.writeString(file, w.content(), StandardCharsets.UTF_8);
        fileChange(w.path(), existed ? "modify" : "add");
      } else if (step instanceof ScriptedScenario.Append a) {
        Path file = Workspaces.inside(workspace, a.path(), "append");
        boolean existed = Files.exists(file);
        Files.createDirectories(file.getParent());
        Files.writeString(file, a.content(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        fileChange(a.path(), existed ? "modify" : "add");
      } else if (step instanceof ScriptedScenario.Delete d) {
        Path file = Workspaces.inside(workspace, d.path(), "delete");
        if (!Files.deleteIfExists(file)) {
          throw new IOException("delete: '" + d.path() + "' does not exist in the workspace");
        }
        fileChange(d.path(), "delete");
      } else if (step instanceof ScriptedScenario.AddUsage u) {
        addUsage(u);
      } else if (step instanceof ScriptedScenario.Sleep s) {
        pending = scheduler.schedule(this::advance, s.duration().toMillis(), TimeUnit.MILLISECONDS);
        return false;
      } else if (step instanceof ScriptedScenario.Hang) {
        progress.progress(0, "scripted droid hangs (until cancelled or out of time)");
        return false;
      } else if (step instanceof ScriptedScenario.Fail f) {
        emit(DroidEvent.newBuilder().setError(DroidError.newBuilder().setMessage(Bounds.text(f.reason()))).build());
        complete(f.reason(), true);
        end(failed("scripted droid reported an error" + Lines.firstAsDetail(f.reason()), ""));
      } else if (step instanceof ScriptedScenario.Result r) {
        complete(r.text(), false);
        end(outcome(DelegationStatus.DELEGATION_STATUS_SUCCEEDED, "scripted droid finished" + Lines.firstAsDetail(r.text()), "", 0));
      } else if (step instanceof ScriptedScenario.Exit x) {
        end(failed("scripted droid exited with code " + x.code() + " without a completion", "", x.code()));
      }
      return !outcome.isDone();
    }

    private void fileChange(String path, String change) {
      emit(DroidEvent.newBuilder().setFileChange(DroidFileChange.newBuilder()
          .setPath(workspace.relativize(Workspaces.inside(workspace, path, "path")).toString()).setChange(change)).build());
    }

    private void addUsage(ScriptedScenario.AddUsage u) {
      explicitCost |= u.usd() > 0;
      Usage tokens = usage.toBuilder()
          .setInputTokens(usage.getInputTokens() + u.input())
          .setOutputTokens(usage.getOutputTokens() + u.output())
          .setCacheReadTokens(usage.getCacheReadTokens() + u.cacheRead())
          .setCacheWriteTokens(usage.getCacheWriteTokens() + u.cacheWrite())
          .setTurns(usage.getTurns() + u.turns())
          .setModel(task.definition().model())
          .build();
      usage = explicitCost
          ? tokens.toBuilder().setCostUsd(usage.getCostUsd() + u.usd()).setCostEstimated(false).build()
          : prices.estimate(tokens);
      emit(DroidEvent.newBuilder().setUsage(usage).build());
      budgets.check(usage).ifPresent(o -> end(failed(o.message() + "; the scripted droid was stopped", o.axis())));
    }

    private void complete(String result, boolean isError) {
      emit(DroidEvent.newBuilder().setCompletion(DroidCompletion.newBuilder().setSessionId(sessionId)
          .setResult(Bounds.text(result)).setIsError(isError).setUsage(usage)).build());
    }

    private synchronized void emit(DroidEvent event) {
      if (outcome.isDone()) {
        return;
      }
      try {
        progress.event(event);
      } catch (RuntimeException e) {
        // A listener's failure must not end the run; the execution logs its own problems.
      }
    }

    private DroidOutcome failed(String message, String axis) {
      return failed(message, axis, -1);
    }

    private DroidOutcome failed(String message, String axis, int exitCode) {
      return outcome(DelegationStatus.DELEGATION_STATUS_FAILED, message, axis, exitCode);
    }

    private synchronized DroidOutcome outcome(DelegationStatus status, String message, String axis, int exitCode) {
      List<ExecutionIssue> issues = new ArrayList<>();
      List<Deliverable> deliverables = new ArrayList<>();
      if (status == DelegationStatus.DELEGATION_STATUS_SUCCEEDED) {
        deliverables.addAll(Workspaces.expected(workspace, task.delegation(), issues));
      } else {
        issues.add(DroidOutcome.issue(status == DelegationStatus.DELEGATION_STATUS_CANCELLED
            ? IssueSeverity.ISSUE_SEVERITY_WARNING : IssueSeverity.ISSUE_SEVERITY_ERROR, message));
      }
      return new DroidOutcome(status, message, deliverables, issues, exitCode, 0, false, lastMessage, usage, sessionId,
          axis);
    }

    private synchronized void end(DroidOutcome result) {
      if (outcome.isDone()) {
        return;
      }
      if (pending != null) {
        pending.cancel(false);
      }
      if (wallTimer != null) {
        wallTimer.cancel(false);
      }
      outcome.complete(result);
    }
  }
}
