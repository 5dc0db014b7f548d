package dev.baton.cli;

/**
 * A failure the CLI itself detected, with the exit code it ends with and a one-line message that
 * names the problem (e.g. a plan file that does not exist).
 */
final class CliException extends RuntimeException {
  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  static CliException invalidInput(String message) {
    return new CliException(ExitCodes.INVALID_INPUT, message);
  }

  int exitCode() {
    return exitCode;
  }
}
