package dev.baton.runtime.droid.definition;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where one sub-orchestrator's droids come from, in increasing precedence: the domain's built-in
 * definitions, the {@code --droids DIR} of the sub-orchestrator, and the repository a task works
 * in ({@code .factory/droids}, then {@code .claude/agents}).
 *
 * <p>The first two are read once, at start-up, so a bad file stops the orchestrator before it
 * registers; the repository's are read per task, since every task may check out another commit.
 */
public final class DroidSources {
  private final DroidDefinitions builtIn;
  private final Path droidsDir;
  private final DroidDefinitions pool;

  private DroidSources(DroidDefinitions builtIn, Path droidsDir, DroidDefinitions pool) {
    this.builtIn = builtIn;
    this.droidsDir = droidsDir;
    this.pool = pool;
  }

  /**
   * @param droidsDir the {@code --droids} directory, or null
   * @throws DroidDefinitionException for the first bad file in {@code droidsDir}
   */
  public static DroidSources of(DroidDefinitions builtIn, Path droidsDir) {
    Objects.requireNonNull(builtIn, "builtIn");
    DroidDefinitions pool = droidsDir == null ? builtIn : builtIn.overriddenBy(DroidDefinitions.load(droidsDir));
    return new DroidSources(builtIn, droidsDir, pool);
  }

  public DroidDefinitions builtIn() {
    return builtIn;
  }

  /** The {@code --droids} directory, or null. */
  public Path droidsDir() {
    return droidsDir;
  }

  /** Built-ins overridden by {@code --droids}: what Describe reports and the droid choice picks from. */
  public DroidDefinitions pool() {
    return pool;
  }

  /**
   * The pool for one task working in {@code worktreeRoot}: {@link #pool()} overridden by the
   * repository's {@code .factory/droids} and then its {@code .claude/agents}.
   *
   * @throws DroidDefinitionException for the first bad file in the repository's directories
   */
  public DroidDefinitions forRepository(Path worktreeRoot) {
    return pool.overriddenBy(DroidDefinitions.loadRepository(worktreeRoot));
  }
}
