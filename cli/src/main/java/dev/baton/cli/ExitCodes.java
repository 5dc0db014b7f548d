package dev.baton.cli;

import dev.baton.runtime.server.BatonException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * The exit codes of {@code baton} and the one place that maps a failure to one of them plus a
 * single line on stderr.
 *
 * <p>0: the plan succeeded (or the command did its job); 1: the plan failed or was cancelled;
 * 2: invalid input or usage; 3: the master cannot be reached.
 */
final class ExitCodes {
  static final int OK = 0;
  static final int PLAN_FAILED = 1;
  static final int INVALID_INPUT = 2;
  static final int MASTER_UNREACHABLE = 3;

  private ExitCodes() {}

  /** A failure as the exit code and the one line printed for it. */
  record Outcome(int exitCode, String message) {}

  static Outcome of(Throwable t) {
    if (t instanceof CliException e) {
      return new Outcome(e.exitCode(), e.getMessage());
    }
    if (t instanceof MasterUnreachableException e) {
      return new Outcome(MASTER_UNREACHABLE, e.getMessage());
    }
    if (t instanceof StatusRuntimeException e) {
      return ofStatus(e.getStatus());
    }
    if (t instanceof BatonException e) {
      return ofStatus(e.status());
    }
    if (t instanceof IllegalArgumentException e) {
      return new Outcome(INVALID_INPUT, e.getMessage());
    }
    if (t instanceof NoSuchFileException e) {
      return new Outcome(INVALID_INPUT, "file not found: " + e.getFile());
    }
    if (t instanceof AccessDeniedException e) {
      return new Outcome(INVALID_INPUT, "cannot read " + e.getFile() + ": permission denied");
    }
    if (t instanceof IOException e) {
      return new Outcome(INVALID_INPUT, "cannot read input: " + e.getMessage());
    }
    if (t.getCause() != null && t.getCause() != t
        && (t instanceof java.util.concurrent.ExecutionException
            || t instanceof java.io.UncheckedIOException)) {
      return of(t.getCause());
    }
    return new Outcome(PLAN_FAILED, "error: " + t);
  }

  private static Outcome ofStatus(Status status) {
    String description = status.getDescription() == null ? status.getCode().name() : status.getDescription();
    return switch (status.getCode()) {
      case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, OUT_OF_RANGE, FAILED_PRECONDITION ->
          new Outcome(INVALID_INPUT, description);
      default -> new Outcome(PLAN_FAILED, "the master answered " + status.getCode() + ": " + description);
    };
  }

  /** Prints the failure's one line to {@code err} and returns its exit code. */
  static int report(Throwable t, PrintWriter err) {
    Outcome outcome = of(t);
    err.println("baton: " + oneLine(outcome.message()));
    if (System.getenv("BATON_DEBUG") != null) {
      t.printStackTrace(err);
    }
    err.flush();
    return outcome.exitCode();
  }

  /** Keeps stderr to one line even when a message spans several. */
  static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " | ");
  }
}
