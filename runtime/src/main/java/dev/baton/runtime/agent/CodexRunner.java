package dev.baton.runtime.agent;

import dev.baton.runtime.containment.Containments;
import dev.baton.runtime.containment.ProcessContainment;
import dev.baton.runtime.droid.DroidExecutor;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.ProgressListener;
import dev.baton.runtime.droid.RunningDroid;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Runner {@code codex}: OpenAI Codex {@code codex exec --json -C <workspace> --sandbox <mode>
 * --skip-git-repo-check [-m model] -}, the prompt on stdin ({@code -} reads it).
 *
 * <p>The sandbox comes from the definition's autonomy (default workspace-write; a Factory level is
 * mapped). {@code --skip-git-repo-check} lets codex run in a plain workspace (plans without a
 * repository). A retry resumes with {@code codex exec [options] resume <thread id> -}: the options
 * go before the subcommand, which inherits them. Codex has no system-prompt flag (the system
 * prompt is put before the task's prompt), prints no final result line (the last agent_message is
 * the answer) and no cost (estimated from the price table).
 */
public final class CodexRunner implements DroidExecutor {
  public static final String KIND = "codex";

  private final AgentSettings settings;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final ProcessContainment containment;

  /** @param settings binary, keys, prices; {@code AgentSettings.defaults("codex")} for the defaults */
  public CodexRunner(AgentSettings settings, ScheduledExecutorService scheduler) {
    this(settings, scheduler, Clock.systemUTC());
  }

  public CodexRunner(AgentSettings settings, ScheduledExecutorService scheduler, Clock clock) {
    this(settings, scheduler, clock, Containments.processTree());
  }

  /** With the containment its CLI processes run in (the sub-orchestrator passes the one it detected). */
  public CodexRunner(AgentSettings settings, ScheduledExecutorService scheduler, ProcessContainment containment) {
    this(settings, scheduler, Clock.systemUTC(), containment);
  }

  public CodexRunner(AgentSettings settings, ScheduledExecutorService scheduler, Clock clock,
      ProcessContainment containment) {
    this.containment = Objects.requireNonNull(containment, "containment");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public RunningDroid start(DroidTask task, ProgressListener progress) {
    var missing = AgentProcess.requireWorkspace(KIND, task);
    if (missing.isPresent()) {
      return missing.get();
    }
    return AgentProcess.start(task, progress, settings, scheduler, clock, containment,
        new AgentProcess.Launch(KIND, argv(task), AgentRunners.withSystemPrompt(task),
            new CodexStreamParser(settings.prices(), task.workspace(), AgentRunners.model(task))));
  }

  /** The command line for {@code task} (its workspace set). */
  List<String> argv(DroidTask task) {
    List<String> argv = new ArrayList<>(List.of(settings.binary(), "exec", "--json",
        "-C", task.workspace().toAbsolutePath().normalize().toString(),
        "--sandbox", AgentRunners.codexSandbox(task.definition().autonomy()),
        "--skip-git-repo-check"));
    String model = AgentRunners.model(task);
    if (!model.isEmpty()) {
      argv.addAll(List.of("-m", model));
    }
    argv.addAll(settings.extraArgs());
    String resume = task.delegation().getResumeSessionId();
    if (!resume.isBlank()) {
      argv.addAll(List.of("resume", resume));
    }
    argv.add("-");
    return argv;
  }
}
