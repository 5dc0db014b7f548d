package dev.baton.runtime.git;

/** Makes the git worktree a task's droid works in. */
public interface WorkspaceProvider {
  /** Prepares the task's worktree: blocking (git), call it off the transport thread. */
  PreparedWorkspace prepare(String planId, String taskId, int attempt, dev.baton.v1.RepositoryCheckout checkout) throws GitException;
}
