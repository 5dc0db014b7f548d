package dev.baton.runtime.droid.definition;

import dev.baton.v1.Budget;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A droid as its definition file describes it: who it is (name, description, expertise), which
 * runner carries it out and how (model, tools, autonomy, turns), its budget and its system prompt.
 *
 * <p>Definition files are Markdown with YAML frontmatter, in Factory's ({@code .factory/droids/*.md})
 * or Claude Code's ({@code .claude/agents/*.md}) format, plus Baton's own fields ({@code runner},
 * {@code expertise}, {@code budget}); see {@code DroidDefinitionParser}.
 *
 * @param name lowercase letters, digits, {@code -} and {@code _}
 * @param description at most {@value #MAX_DESCRIPTION} characters
 * @param runner one of {@link #RUNNERS}, or empty: the sub-orchestrator's default runner
 * @param model {@code inherit}, a model id, or empty (the CLI's default)
 * @param reasoningEffort Factory's reasoningEffort (low | medium | high), or empty
 * @param tools tools the agent may use (Claude's allowed tools, Factory's tool list or category);
 *     empty: the CLI's default
 * @param disallowedTools tools the agent must not use
 * @param permissionMode Claude's permission mode (default | acceptEdits | bypassPermissions | plan),
 *     or empty
 * @param autonomy Factory's {@code --auto} level (low | medium | high) or Codex's sandbox mode
 *     (read-only | workspace-write | danger-full-access), or empty: the runner's default
 * @param maxTurns at most this many agent turns; 0: no limit
 * @param expertise keywords matched against a task's text to pick the best-fitting droid
 * @param budget the droid's own limits per task (zero fields: none)
 * @param systemPrompt the file's body, never empty
 * @param source where it came from ("builtin:backend/backend-architect.md", a file path)
 * @param format which file format it was read from
 */
public record DroidDefinition(
    String name,
    String description,
    String runner,
    String model,
    String reasoningEffort,
    List<String> tools,
    List<String> disallowedTools,
    String permissionMode,
    String autonomy,
    int maxTurns,
    List<String> expertise,
    Budget budget,
    String systemPrompt,
    String source,
    Format format) {

  public static final int MAX_DESCRIPTION = 500;

  /** The runners a definition may name. */
  public static final Set<String> RUNNERS = Set.of("claude", "droid", "codex", "command", "scripted", "sim");

  /** The two definition-file formats users already write. */
  public enum Format {
    /** {@code .factory/droids/*.md}. */
    FACTORY,
    /** {@code .claude/agents/*.md}. */
    CLAUDE,
    /** Made in code (tests, the droid a plan's task names but no file defines). */
    BUILT_IN
  }

  public DroidDefinition {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[a-z0-9_-]+")) {
      throw new IllegalArgumentException("name: '" + name + "' (expected: lowercase letters, digits, '-' or '_')");
    }
    description = description == null ? "" : description;
    if (description.length() > MAX_DESCRIPTION) {
      throw new IllegalArgumentException(
          "description: " + description.length() + " characters (expected: at most " + MAX_DESCRIPTION + ")");
    }
    runner = runner == null ? "" : runner;
    if (!runner.isEmpty() && !RUNNERS.contains(runner)) {
      throw new IllegalArgumentException("runner: '" + runner + "' (expected: one of " + String.join(", ",
          RUNNERS.stream().sorted().toList()) + ")");
    }
    model = model == null ? "" : model;
    reasoningEffort = reasoningEffort == null ? "" : reasoningEffort;
    tools = tools == null ? List.of() : List.copyOf(tools);
    disallowedTools = disallowedTools == null ? List.of() : List.copyOf(disallowedTools);
    permissionMode = permissionMode == null ? "" : permissionMode;
    autonomy = autonomy == null ? "" : autonomy;
    if (maxTurns < 0) {
      throw new IllegalArgumentException("maxTurns: " + maxTurns + " (expected: >= 0, 0 for no limit)");
    }
    expertise = expertise == null ? List.of() : List.copyOf(expertise);
    budget = budget == null ? Budget.getDefaultInstance() : budget;
    systemPrompt = systemPrompt == null ? "" : systemPrompt;
    source = source == null ? "" : source;
    Objects.requireNonNull(format, "format");
  }

  /** A definition made in code: the given expertise, no runner of its own, a one-line prompt. */
  public static DroidDefinition builtIn(String name, String description, List<String> expertise) {
    String prompt = "You are " + name + (description == null || description.isBlank() ? "." : ": " + description + ".");
    return new DroidDefinition(name, description, "", "", "", List.of(), List.of(), "", "", 0, expertise,
        Budget.getDefaultInstance(), prompt, "builtin:" + name, Format.BUILT_IN);
  }

  /** This definition with its runner replaced (an empty runner keeps it). */
  public DroidDefinition withRunner(String newRunner) {
    if (newRunner == null || newRunner.isEmpty() || newRunner.equals(runner)) {
      return this;
    }
    return new DroidDefinition(name, description, newRunner, model, reasoningEffort, tools, disallowedTools,
        permissionMode, autonomy, maxTurns, expertise, budget, systemPrompt, source, format);
  }
}
