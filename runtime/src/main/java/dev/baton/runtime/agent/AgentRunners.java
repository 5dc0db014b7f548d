package dev.baton.runtime.agent;

import dev.baton.runtime.droid.DroidTask;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What the CLI runners share in building a run: the model flag rule, prompts, autonomy levels. */
final class AgentRunners {
  private AgentRunners() {}

  /** The model to pass, or empty: none given or {@code inherit} (the CLI's default). */
  static String model(DroidTask task) {
    String model = task.definition().model().strip();
    return model.equalsIgnoreCase("inherit") ? "" : model;
  }

  /**
   * The prompt for CLIs without a system-prompt flag (droid, codex): the droid's system prompt,
   * then the task's prompt.
   */
  static String withSystemPrompt(DroidTask task) {
    String system = task.definition().systemPrompt().strip();
    return system.isEmpty() ? task.prompt() : system + "\n\n---\n\n" + task.prompt();
  }

  static final Set<String> FACTORY_LEVELS = Set.of("low", "medium", "high");
  static final Set<String> CODEX_SANDBOXES = Set.of("read-only", "workspace-write", "danger-full-access");

  /**
   * Factory's {@code --auto} level for a definition's autonomy: its own levels as they are, a
   * codex sandbox mapped (read-only: none, workspace-write: low, danger-full-access: high), else
   * {@code low}. Empty: no {@code --auto} (read-only).
   */
  static String factoryLevel(String autonomy) {
    String a = autonomy.strip().toLowerCase(Locale.ROOT);
    if (FACTORY_LEVELS.contains(a)) {
      return a;
    }
    return switch (a) {
      case "read-only" -> "";
      case "danger-full-access" -> "high";
      default -> "low";
    };
  }

  /**
   * Codex's {@code --sandbox} for a definition's autonomy: its own modes as they are, a Factory
   * level mapped (low, medium: workspace-write; high: danger-full-access), else workspace-write.
   */
  static String codexSandbox(String autonomy) {
    String a = autonomy.strip().toLowerCase(Locale.ROOT);
    if (CODEX_SANDBOXES.contains(a)) {
      return a;
    }
    return "high".equals(a) ? "danger-full-access" : "workspace-write";
  }

}
