package dev.baton.runtime.backoff;

import java.time.Duration;
import java.util.Random;

/**
 * Capped exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * {@code min(max, initial * 2^n)}, so a restarted master is not hit by every orchestrator at once
 * and a fast retry is never lost entirely. Randomness is injected. Shared by the coordination
 * stream's reconnects and the Consul registration and watches.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final Random random;

  public Backoff(Duration initial, Duration max, Random random) {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initialBackoff: " + initial + " (expected: > 0)");
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("maxBackoff: " + max + " (expected: >= initialBackoff " + initial + ")");
    }
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** Delay before retry number {@code attempt} (0 for the first retry). */
  public Duration delay(int attempt) {
    long cap = max.toMillis();
    long base = initial.toMillis();
    for (int i = 0; i < attempt && base < cap; i++) {
      base *= 2;
    }
    base = Math.min(base, cap);
    long half = base / 2;
    long jitter;
    synchronized (random) {
      jitter = half == 0 ? 0 : (long) (random.nextDouble() * (base - half + 1));
    }
    return Duration.ofMillis(half + jitter);
  }
}
