package dev.baton.runtime.git;

import dev.baton.v1.RepositoryCheckout;

/** Gives each task attempt a git worktree of its repository. */
public interface WorkspaceProvider {
  /** Prepares the task's worktree: blocking (git), call it off the transport thread. */
  PreparedWorkspace prepare(String planId, String taskId, int attempt, RepositoryCheckout checkout)
      throws GitException;
}
