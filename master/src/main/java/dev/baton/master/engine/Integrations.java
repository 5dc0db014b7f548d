package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import java.util.List;
import java.util.Optional;

/**
 * The master's side of a plan's git repository: the integration branch {@code baton/<plan-id>},
 * the merges of task branches into it, rollbacks and reading documents. Every method blocks (git):
 * the engine calls them on its git thread, never on the scheduler's.
 */
public interface Integrations {
  /** For a master that has no git: plans with a repository are refused at start. */
  Integrations NONE = url -> {
    throw new IllegalStateException("this master has no git workspace (start it with --git-dir DIR)");
  };

  /** The repository at {@code url}, as the master works on it. */
  Repository open(String url) throws Exception;

  /**
   * The epoch this master leads under (0: none), which each task's checkout carries so that the
   * push of its branch is refused by a master that is not the one leading.
   */
  default long epoch() {
    return 0;
  }

  /** One plan's repository. */
  interface Repository {
    /** The URL sub-orchestrators fetch from and push to (the plan's, or the master's served one). */
    String url();

    /** Creates {@code baton/<plan-id>} at the base branch's head (or finds it); returns its head. */
    String createIntegrationBranch(String planId, String baseBranch) throws Exception;

    /** Merges the task's commit into the plan's integration branch, which moves on when it merged. */
    Merge merge(String planId, String taskId, String taskCommit, PlanModel.MergeStrategy strategy, String message)
        throws Exception;

    /**
     * Moves the integration branch back to {@code commit}; the abandoned head stays reachable.
     *
     * @return the ref that keeps the abandoned head
     */
    String resetTo(String planId, String commit) throws Exception;

    /** A file as it is at {@code commit}; empty when it does not exist there. */
    Optional<String> readFile(String commit, String path) throws Exception;
  }

  /** What a merge came to. */
  sealed interface Merge permits Merged, Conflicted {}

  /** The task's work is in: the integration branch's new head. */
  record Merged(String commit) implements Merge {}

  /**
   * The task's work conflicts with what the integration branch already holds.
   *
   * @param files the conflicting paths
   * @param hunks one line per conflicting hunk: "path:line: ours ... | theirs ..."
   */
  record Conflicted(List<String> files, List<String> hunks) implements Merge {}
}
