package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import java.time.Duration;
import java.util.Random;

/**
 * Backoff before a retry: the plan's first backoff doubled per failed attempt, capped, with jitter
 * in [50%, 100%] so retries of many tasks do not land together, and scaled by the time scale like
 * every other plan duration (a demo at 0.001 waits milliseconds, not seconds).
 */
final class RetryBackoff {
  private RetryBackoff() {}

  static Duration of(PlanModel.RetryPolicy policy, int failedAttempt, double timeScale, Random random) {
    Duration base = policy.backoff() == null ? Duration.ofSeconds(5) : policy.backoff();
    Duration cap = policy.maxBackoff() == null || policy.maxBackoff().isZero() ? Duration.ofMinutes(1) : policy.maxBackoff();
    double millis = base.toMillis() * Math.pow(2, Math.max(0, failedAttempt - 1));
    millis = Math.min(millis, cap.toMillis());
    double jitter = 0.5 + random.nextDouble() * 0.5;
    return Duration.ofMillis(Math.max(1, Math.round(millis * jitter * timeScale)));
  }
}
