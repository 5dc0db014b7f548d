package dev.baton.runtime.git;

import java.util.List;

/**
 * A git step failed: a command exited non-zero or timed out, or a workspace step around git (copying
 * set-up files, the set-up command) failed. The message names the command, its exit code and the
 * last lines of its standard error, so a person can run it again by hand.
 *
 * <p>Checked on purpose: every caller runs git off the transport thread and must decide what a failed
 * step means for its task (fail the attempt, retry, report a conflict).
 */
public class GitException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Exit code used when the command never finished (timeout, could not start). */
  public static final int NO_EXIT_CODE = -1;

  private final List<String> command;
  private final int exitCode;
  private final String stderrTail;

  public GitException(String message) {
    this(message, List.of(), NO_EXIT_CODE, "", null);
  }

  public GitException(String message, Throwable cause) {
    this(message, List.of(), NO_EXIT_CODE, "", cause);
  }

  public GitException(String message, List<String> command, int exitCode, String stderrTail, Throwable cause) {
    super(message, cause);
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
    this.stderrTail = stderrTail == null ? "" : stderrTail;
  }

  /** The argv that failed, empty when the failure was not a command. */
  public List<String> command() {
    return command;
  }

  /** The command's exit code, {@link #NO_EXIT_CODE} when it did not exit by itself. */
  public int exitCode() {
    return exitCode;
  }

  /** The last lines of the command's standard error. */
  public String stderrTail() {
    return stderrTail;
  }
}
