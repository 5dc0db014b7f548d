package dev.baton.runtime.droid;

/** Receives a running droid's progress; called from the executor's threads. */
@FunctionalInterface
public interface ProgressListener {
  /** {@code fraction} is 0..1; {@code message} says what the droid is doing. */
  void progress(double fraction, String message);
}
