package dev.baton.runtime.git;

/** A task's worktree, from preparation to release. */
public interface PreparedWorkspace {
  java.nio.file.Path path();

  String baseCommit();

  /** Commits what the droid left uncommitted with the trailers and pushes the task branch. */
  dev.baton.v1.GitResult publish(String subject, java.util.Map<String, String> trailers) throws GitException;

  /** Reads a file as it is at the task branch's head or in the worktree; empty when missing. */
  java.util.Optional<String> readFile(String relativePath) throws GitException;

  /** Releases the worktree by the cleanup policy. */
  void release(boolean succeeded);
}
