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
 * Runner {@code droid}: Factory's headless {@code droid exec -o stream-json --cwd <workspace>},
 * the prompt on stdin (droid exec reads a piped prompt).
 *
 * <p>Flags from the definition: {@code --auto <low|medium|high>} from its autonomy (default low;
 * a codex sandbox mode is mapped), {@code -m <model>}, {@code -r <reasoning effort>}; a retry
 * resumes with {@code -s <session>}. droid exec has no system-prompt flag, so the droid's system
 * prompt is put before the task's prompt. Its completion reports tokens but no cost: the cost is
 * estimated from the price table.
 */
public final class FactoryDroidRunner implements DroidExecutor {
  public static final String KIND = "droid";

  private final AgentSettings settings;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final ProcessContainment containment;

  /** @param settings binary, keys, prices; {@code AgentSettings.defaults("droid")} for the defaults */
  public FactoryDroidRunner(AgentSettings settings, ScheduledExecutorService scheduler) {
    this(settings, scheduler, Clock.systemUTC());
  }

  public FactoryDroidRunner(AgentSettings settings, ScheduledExecutorService scheduler, Clock clock) {
    this(settings, scheduler, clock, Containments.processTree());
  }

  /** With the containment its CLI processes run in (the sub-orchestrator passes the one it detected). */
  public FactoryDroidRunner(AgentSettings settings, ScheduledExecutorService scheduler, ProcessContainment containment) {
    this(settings, scheduler, Clock.systemUTC(), containment);
  }

  public FactoryDroidRunner(AgentSettings settings, ScheduledExecutorService scheduler, Clock clock,
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
            new FactoryDroidStreamParser(settings.prices(), task.workspace())));
  }

  /** The command line for {@code task} (its workspace set). */
  List<String> argv(DroidTask task) {
    List<String> argv = new ArrayList<>(List.of(settings.binary(), "exec", "-o", "stream-json",
        "--cwd", task.workspace().toAbsolutePath().normalize().toString()));
    String level = AgentRunners.factoryLevel(task.definition().autonomy());
    if (!level.isEmpty()) {
      argv.addAll(List.of("--auto", level));
    }
    String model = AgentRunners.model(task);
    if (!model.isEmpty()) {
      argv.addAll(List.of("-m", model));
    }
    if (!task.definition().reasoningEffort().isBlank()) {
      argv.addAll(List.of("-r", task.definition().reasoningEffort()));
    }
    argv.addAll(settings.extraArgs());
    String resume = task.delegation().getResumeSessionId();
    if (!resume.isBlank()) {
      argv.addAll(List.of("-s", resume));
    }
    return argv;
  }
}
