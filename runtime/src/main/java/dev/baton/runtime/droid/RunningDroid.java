package dev.baton.runtime.droid;

import java.util.concurrent.CompletableFuture;

/** Handle on a started droid. */
public interface RunningDroid {
  /** Completes exactly once, with SUCCEEDED, FAILED or CANCELLED; never exceptionally. */
  CompletableFuture<DroidOutcome> outcome();

  /**
   * Asks the droid to stop; the outcome then completes CANCELLED (unless it had already finished).
   * Idempotent; returns at once, the stopping may take a grace period.
   */
  void cancel(String reason);
}
