package dev.baton.runtime.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Recent finished tasks over a sliding window (by age and count), for the failure rate and mean
 * completion time that heartbeats report. Not thread-safe: the manager guards it.
 */
final class LoadWindow {
  private record Sample(Instant at, boolean failed, long runMillis) {}

  private final Clock clock;
  private final Duration span;
  private final int maxSamples;
  private final Deque<Sample> samples = new ArrayDeque<>();

  LoadWindow(Clock clock, Duration span, int maxSamples) {
    this.clock = clock;
    this.span = span;
    this.maxSamples = maxSamples;
  }

  void record(boolean failed, long runMillis) {
    samples.addLast(new Sample(clock.instant(), failed, runMillis));
    while (samples.size() > maxSamples) {
      samples.removeFirst();
    }
  }

  /** Failed / finished over the window, 0 when nothing finished. */
  double failureRate() {
    evict();
    return samples.isEmpty() ? 0 : samples.stream().filter(Sample::failed).count() / (double) samples.size();
  }

  /** Mean run time in seconds over the window, 0 when nothing finished. */
  double averageCompletionSeconds() {
    evict();
    return samples.stream().mapToLong(Sample::runMillis).average().orElse(0) / 1000.0;
  }

  private void evict() {
    Instant oldest = clock.instant().minus(span);
    while (!samples.isEmpty() && samples.peekFirst().at().isBefore(oldest)) {
      samples.removeFirst();
    }
  }
}
