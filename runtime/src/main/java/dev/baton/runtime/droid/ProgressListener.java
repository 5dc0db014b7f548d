package dev.baton.runtime.droid;

import dev.baton.v1.DroidEvent;

/** Receives a running droid's progress and events; called from the executor's threads. */
@FunctionalInterface
public interface ProgressListener {
  /** {@code fraction} is 0..1; {@code message} says what the droid is doing. */
  void progress(double fraction, String message);

  /**
   * One event of the droid's run (a message, a tool call, usage...). The execution assigns its
   * index and time when the executor leaves them unset; events are never coalesced or dropped on
   * the way to the master (beyond the per-execution bound of the log). Called in order from one
   * thread at a time per run.
   */
  default void event(DroidEvent event) {}
}
