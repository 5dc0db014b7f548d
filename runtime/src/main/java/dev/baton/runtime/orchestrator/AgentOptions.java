package dev.baton.runtime.orchestrator;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a sub-orchestrator runs real droids: the runner of droids whose definition names none, the
 * agent CLIs' binaries, the scripted runner's scenarios, the operator's price table, prompt
 * template and secret files, and where git worktrees live.
 *
 * @param defaultRunner runner of droids whose definition and task name none (default {@value #DEFAULT_RUNNER})
 * @param binaries runner kind (claude, droid, codex) -> the CLI's path; absent: the kind's name on PATH
 * @param extraArgs runner kind -> arguments added after Baton's own flags
 * @param scenarioDir the scripted runner's scenarios ({@code <task-id>.yaml|.json}), or null
 * @param pricesFile USD per million tokens per model (docs/agents.md), or null for the built-in table
 * @param promptTemplate a Mustache template replacing the built-in prompt, or null
 * @param secretsDir a file per API key variable, read when the variable is unset, or null
 * @param repoFiles where files a worktree needs but git ignores (.env) are copied from, or null
 * @param gitDir caches of remotes and task worktrees; null: {@code <workspace root>/git}
 */
public record AgentOptions(
    String defaultRunner,
    Map<String, String> binaries,
    Map<String, java.util.List<String>> extraArgs,
    Path scenarioDir,
    Path pricesFile,
    Path promptTemplate,
    Path secretsDir,
    Path repoFiles,
    Path gitDir) {
  public static final String DEFAULT_RUNNER = "sim";
  /** The runners every sub-orchestrator has. */
  public static final Set<String> RUNNERS = Set.of("sim", "command", "scripted", "claude", "droid", "codex");
  /** The runners that are agent CLIs, whose binaries may be configured. */
  public static final Set<String> CLIS = Set.of("claude", "droid", "codex");

  public static final AgentOptions DEFAULTS =
      new AgentOptions(DEFAULT_RUNNER, Map.of(), Map.of(), null, null, null, null, null, null);

  public AgentOptions {
    Objects.requireNonNull(defaultRunner, "defaultRunner");
    if (!RUNNERS.contains(defaultRunner)) {
      throw new IllegalArgumentException("runner: '" + defaultRunner + "' (expected one of: "
          + String.join(", ", RUNNERS.stream().sorted().toList()) + ")");
    }
    binaries = Map.copyOf(binaries);
    extraArgs = Map.copyOf(extraArgs);
    for (String kind : binaries.keySet()) {
      if (!CLIS.contains(kind)) {
        throw new IllegalArgumentException("binary for '" + kind + "' (expected one of: claude, droid, codex)");
      }
    }
    for (String kind : extraArgs.keySet()) {
      if (!CLIS.contains(kind)) {
        throw new IllegalArgumentException("agent-args for '" + kind + "' (expected one of: claude, droid, codex)");
      }
    }
    scenarioDir = absolute(scenarioDir);
    pricesFile = absolute(pricesFile);
    promptTemplate = absolute(promptTemplate);
    secretsDir = absolute(secretsDir);
    repoFiles = absolute(repoFiles);
    gitDir = absolute(gitDir);
  }

  /** The CLI's binary for a runner kind: configured, else its name (found on PATH). */
  public String binary(String kind) {
    return binaries.getOrDefault(kind, kind);
  }

  private static Path absolute(Path p) {
    return p == null ? null : p.toAbsolutePath().normalize();
  }
}
