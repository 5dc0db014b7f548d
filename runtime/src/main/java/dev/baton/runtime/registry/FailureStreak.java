package dev.baton.runtime.registry;

import org.slf4j.Logger;

/**
 * Logs a run of failures of the same operation once: a warning at the first failure, debug lines
 * for the retries, one info line when it works again. Not thread-safe: one per loop.
 */
final class FailureStreak {
  private final Logger log;
  private final String operation;
  private int failures;

  FailureStreak(Logger log, String operation) {
    this.log = log;
    this.operation = operation;
  }

  /** Records a failure; returns how many failed in a row before this one (0 for the first). */
  int failed(Throwable error) {
    int before = failures++;
    if (before == 0) {
      log.warn("{} failed: {}; retrying with backoff (further failures are logged at debug level)",
          operation, describe(error));
    } else {
      log.debug("{} failed again ({} in a row): {}", operation, failures, describe(error));
    }
    return before;
  }

  void succeeded() {
    if (failures > 0) {
      log.info("{} works again after {} failed attempt(s)", operation, failures);
    }
    failures = 0;
  }

  int failures() {
    return failures;
  }

  static String describe(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = error.getMessage();
    String rootMessage = root == error ? "" : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    return error.getClass().getSimpleName() + ": " + message + rootMessage;
  }
}
