package dev.baton.runtime.droid;

import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.v1.DelegationPackage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A delegation handed to a droid executor, with the droid chosen to run it.
 *
 * @param droid the droid's name
 * @param definition the droid's definition (runner, model, tools, system prompt, budget)
 * @param workspace the prepared directory the droid works in (a git worktree for plans with a
 *     repository); null: the executor resolves a plain workspace itself (sim, command without one)
 * @param prompt the task's prompt rendered from the package; empty for droids that take none
 * @param options how its processes run (environment, network), as the policy decided
 */
public record DroidTask(
    DelegationPackage delegation, String droid, DroidDefinition definition, Path workspace, String prompt,
    RunOptions options) {
  public DroidTask {
    Objects.requireNonNull(delegation, "delegation");
    Objects.requireNonNull(droid, "droid");
    definition = definition == null ? DroidDefinition.builtIn(droid, "", java.util.List.of()) : definition;
    prompt = prompt == null ? "" : prompt;
    options = options == null ? RunOptions.defaults() : options;
  }

  /** With the built-in policy's run options. */
  public DroidTask(DelegationPackage delegation, String droid, DroidDefinition definition, Path workspace,
      String prompt) {
    this(delegation, droid, definition, workspace, prompt, null);
  }

  /** A task for a built-in droid, without a prepared workspace or prompt. */
  public DroidTask(DelegationPackage delegation, String droid) {
    this(delegation, droid, null, null, "", null);
  }
}
