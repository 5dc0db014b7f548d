package dev.baton.master.resilience;

import io.grpc.Status;
import java.time.Duration;
import java.util.Random;

/**
 * Which failed calls may be tried again, and which count against the instance. Following
 * {@code io.grpc.Status}: UNAVAILABLE means the call never took effect, so it is always safe to
 * repeat; DEADLINE_EXCEEDED may have taken effect, so only an idempotent call (Delegate is
 * idempotent on plan, task and attempt; CancelExecution and Describe are too) is repeated. Every
 * other code is an answer, not a transport failure, and is returned to the caller at once.
 */
public final class RetryRules {
  private RetryRules() {}

  /** True when a call that failed with {@code code} may be sent again. */
  public static boolean retryable(Status.Code code, boolean idempotent) {
    return switch (code) {
      case UNAVAILABLE -> true;
      case DEADLINE_EXCEEDED -> idempotent;
      default -> false;
    };
  }

  /**
   * True when the failure says something about the instance's health (it is unreachable, too slow
   * or broken) rather than about the request: these are the outcomes a breaker records as failures.
   * A task that fails on its own merits arrives as a FAILED update, never as a status, so it never
   * counts here.
   */
  public static boolean countsAgainstInstance(Status.Code code) {
    return switch (code) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN, DATA_LOSS, RESOURCE_EXHAUSTED -> true;
      default -> false;
    };
  }

  /**
   * The pause before try {@code nextTry} (2 = the first retry): {@code retryBackoff x 2^(nextTry-2)},
   * capped at {@code retryBackoffMax}, then scaled by a random factor in [0.5, 1.5).
   */
  public static Duration backoff(ResilienceConfig config, int nextTry, Random random) {
    long base = config.retryBackoff().toMillis();
    long max = config.retryBackoffMax().toMillis();
    long exp = base << Math.min(20, Math.max(0, nextTry - 2));
    long capped = Math.min(max, exp);
    double jitter = 0.5 + random.nextDouble();
    return Duration.ofMillis(Math.max(1, Math.round(capped * jitter)));
  }
}
