package dev.baton.runtime.registry;

import java.time.Duration;
import java.util.Random;

/**
 * Capped exponential backoff with equal jitter: retry n waits between half and all of
 * {@code min(max, initial * 2^n)}, so processes that lost the same agent do not retry in step.
 */
final class RetryBackoff {
  private final Duration initial;
  private final Duration max;
  private final Random random;

  RetryBackoff(Duration initial, Duration max, Random random) {
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  Duration delay(int attempt) {
    long cap = max.toMillis();
    long base = initial.toMillis();
    for (int i = 0; i < attempt && base < cap; i++) {
      base *= 2;
    }
    base = Math.min(base, cap);
    long half = base / 2;
    long jitter;
    synchronized (random) {
      jitter = (long) (random.nextDouble() * (base - half + 1));
    }
    return Duration.ofMillis(half + jitter);
  }
}
