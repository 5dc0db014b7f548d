package dev.baton.runtime.git;

import dev.baton.v1.GitResult;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** A task attempt's worktree, from set-up to release. */
public interface PreparedWorkspace {
  /** The worktree's directory: the droid's working directory. */
  Path path();

  /** The commit the worktree started from. */
  String baseCommit();

  /**
   * Commits what the droid left uncommitted ({@code git add -A}) with the trailers (Baton-Plan,
   * Baton-Task, Baton-Attempt, Baton-Droid, Baton-Session...) as a commit message {@code subject} +
   * blank line + {@code Key: value} lines; does nothing when clean; pushes the task branch (force,
   * since a retry rewrites it) to the remote; returns the GitResult (task_branch, commit,
   * base_commit, per-file FileStat via {@code git diff --numstat base..head}, totals, pushed).
   */
  GitResult publish(String subject, Map<String, String> trailers) throws GitException;

  /** Reads a file as it is at the task branch's head (after publish) or in the worktree; empty when missing. */
  Optional<String> readFile(String relativePath) throws GitException;

  /**
   * Releases the worktree by the cleanup policy: removed when the task succeeded; kept for inspection
   * when it failed or was cancelled (removed after the retention time by a sweep), never removed
   * while dirty unless forced.
   */
  void release(boolean succeeded);
}
