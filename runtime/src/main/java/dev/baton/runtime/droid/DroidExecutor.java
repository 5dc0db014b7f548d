package dev.baton.runtime.droid;

/**
 * One way of carrying out a delegated task. One class per variant (sim, command, later agent CLIs)
 * rather than a switch that grows.
 *
 * <p>{@link #start} must not block for the length of the task: it starts the work and returns a
 * handle whose outcome completes later, on any thread.
 */
public interface DroidExecutor {
  /**
   * Starts the task. Problems with the task itself (a workspace outside the root, a command that
   * cannot start) end as a FAILED outcome rather than an exception, so the caller sees one path.
   */
  RunningDroid start(DroidTask task, ProgressListener progress);
}
