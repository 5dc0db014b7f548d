package dev.baton.runtime.agent;

import dev.baton.runtime.containment.Containments;
import dev.baton.runtime.containment.ProcessContainment;
import dev.baton.runtime.droid.DroidExecutor;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.ProgressListener;
import dev.baton.runtime.droid.RunningDroid;
import dev.baton.runtime.droid.definition.DroidDefinition;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Runner {@code claude}: Claude Code headless,
 * {@code claude -p --output-format stream-json --verbose}, the prompt on stdin.
 *
 * <p>The droid's definition becomes flags: {@code --append-system-prompt}, {@code --model} (unless
 * empty or {@code inherit}), {@code --max-turns}, {@code --permission-mode},
 * {@code --allowedTools}, {@code --disallowedTools}. A fresh run gets {@code --session-id <uuid>},
 * a retry whose package names the previous session {@code --resume <id>}. Claude exits 0 even when
 * the agent failed: the result line's {@code is_error} fails the run.
 */
public final class ClaudeRunner implements DroidExecutor {
  public static final String KIND = "claude";

  private final AgentSettings settings;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Supplier<String> sessionIds;
  private final ProcessContainment containment;

  /** @param settings binary, keys, limits; {@code AgentSettings.defaults("claude")} for the defaults */
  public ClaudeRunner(AgentSettings settings, ScheduledExecutorService scheduler) {
    this(settings, scheduler, Clock.systemUTC(), () -> UUID.randomUUID().toString());
  }

  /** With the clock (deadlines) and the source of fresh session ids injected. */
  public ClaudeRunner(AgentSettings settings, ScheduledExecutorService scheduler, Clock clock,
      Supplier<String> sessionIds) {
    this(settings, scheduler, clock, sessionIds, Containments.processTree());
  }

  /** With the containment its CLI processes run in (the sub-orchestrator passes the one it detected). */
  public ClaudeRunner(AgentSettings settings, ScheduledExecutorService scheduler, ProcessContainment containment) {
    this(settings, scheduler, Clock.systemUTC(), () -> UUID.randomUUID().toString(), containment);
  }

  public ClaudeRunner(AgentSettings settings, ScheduledExecutorService scheduler, Clock clock,
      Supplier<String> sessionIds, ProcessContainment containment) {
    this.containment = Objects.requireNonNull(containment, "containment");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sessionIds = Objects.requireNonNull(sessionIds, "sessionIds");
  }

  @Override
  public RunningDroid start(DroidTask task, ProgressListener progress) {
    return AgentProcess.start(task, progress, settings, scheduler, clock, containment,
        new AgentProcess.Launch(KIND, argv(task), task.prompt(),
            new ClaudeStreamParser(settings.prices(), task.workspace())));
  }

  /** The command line for {@code task}. */
  List<String> argv(DroidTask task) {
    DroidDefinition d = task.definition();
    List<String> argv = new ArrayList<>(List.of(settings.binary(), "-p", "--output-format", "stream-json", "--verbose"));
    if (!d.systemPrompt().isBlank()) {
      argv.addAll(List.of("--append-system-prompt", d.systemPrompt()));
    }
    String model = AgentRunners.model(task);
    if (!model.isEmpty()) {
      argv.addAll(List.of("--model", model));
    }
    if (d.maxTurns() > 0) {
      argv.addAll(List.of("--max-turns", Integer.toString(d.maxTurns())));
    }
    if (!d.permissionMode().isBlank()) {
      argv.addAll(List.of("--permission-mode", d.permissionMode()));
    }
    if (!d.tools().isEmpty()) {
      argv.addAll(List.of("--allowedTools", String.join(",", d.tools())));
    }
    if (!d.disallowedTools().isEmpty()) {
      argv.addAll(List.of("--disallowedTools", String.join(",", d.disallowedTools())));
    }
    argv.addAll(settings.extraArgs());
    String resume = task.delegation().getResumeSessionId();
    if (!resume.isBlank()) {
      argv.addAll(List.of("--resume", resume));
    } else {
      argv.addAll(List.of("--session-id", sessionIds.get()));
    }
    return argv;
  }
}
