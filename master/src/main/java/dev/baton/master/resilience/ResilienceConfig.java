package dev.baton.master.resilience;

import java.time.Duration;

/**
 * How the master guards itself against failing sub-orchestrator instances. Immutable; build with
 * {@link #builder()}. The defaults are tuned for fast failover on a LAN: a dead instance is out of
 * rotation within about a second of its first refused call, a hung one within a few seconds
 * (about {@code watchIdleTimeout + minimumNumberOfCalls x callDeadline}, or the heartbeat timeout,
 * whichever comes first). See docs/resilience.md for tuning.
 *
 * @param slidingWindowSize calls (outcomes) each instance's breaker remembers, count based;
 *     default {@value #DEFAULT_SLIDING_WINDOW_SIZE}
 * @param minimumNumberOfCalls outcomes recorded before the failure rate is judged at all; default
 *     {@value #DEFAULT_MINIMUM_NUMBER_OF_CALLS}, at most {@code slidingWindowSize}
 * @param failureRateThreshold percent of failed outcomes in the window that opens the breaker,
 *     1..100; default {@value #DEFAULT_FAILURE_RATE_THRESHOLD}
 * @param waitInOpenState how long an open breaker keeps the instance out of rotation before one
 *     probe is let through (half-open); default 2 s
 * @param permittedCallsInHalfOpenState delegations let through while half-open; their outcomes
 *     close or re-open the breaker; default {@value #DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE}
 * @param callDeadline how long the answer to a delegate on the Execute stream may take, and the
 *     deadline of each unary call (CancelExecution, Describe); these return at once on a healthy
 *     instance; default 1 s
 * @param callAttempts tries of one unary call, the first included, 1..10; only codes safe to
 *     retry are retried (see {@link RetryRules}); default {@value #DEFAULT_CALL_ATTEMPTS}
 * @param retryBackoff pause before the second try; doubles per try, +-50 % jitter; default 100 ms
 * @param retryBackoffMax cap of the pause between tries; default 1 s
 * @param watchIdleTimeout an Execute stream with outstanding executions that brought nothing for
 *     this long makes the master probe its instance with Describe (progress is sparse: a sim droid reports at a quarter of its
 *     duration, a command droid only when it starts, so silence alone proves nothing); default 2 s
 * @param restartGrace how long the {@code restart} strategy waits for a failed instance to come
 *     back before falling through to failover; default 5 s
 * @param redistributeMinCoverage least coverage (0..1: the better of the routing share of the
 *     task's text and the expertise match of the domain's live descriptors) for another domain to
 *     take a task under {@code redistribute}; default {@value #DEFAULT_REDISTRIBUTE_MIN_COVERAGE}
 */
public record ResilienceConfig(
    int slidingWindowSize,
    int minimumNumberOfCalls,
    int failureRateThreshold,
    Duration waitInOpenState,
    int permittedCallsInHalfOpenState,
    Duration callDeadline,
    int callAttempts,
    Duration retryBackoff,
    Duration retryBackoffMax,
    Duration watchIdleTimeout,
    Duration restartGrace,
    double redistributeMinCoverage) {

  public static final int DEFAULT_SLIDING_WINDOW_SIZE = 6;
  public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 3;
  public static final int DEFAULT_FAILURE_RATE_THRESHOLD = 50;
  public static final Duration DEFAULT_WAIT_IN_OPEN_STATE = Duration.ofSeconds(2);
  public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 1;
  public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(1);
  public static final int DEFAULT_CALL_ATTEMPTS = 3;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(100);
  public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(1);
  public static final Duration DEFAULT_WATCH_IDLE_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_RESTART_GRACE = Duration.ofSeconds(5);
  public static final double DEFAULT_REDISTRIBUTE_MIN_COVERAGE = 0.25;

  public ResilienceConfig {
    range("slidingWindowSize", slidingWindowSize, 1, 1000);
    range("minimumNumberOfCalls", minimumNumberOfCalls, 1, slidingWindowSize);
    range("failureRateThreshold", failureRateThreshold, 1, 100);
    positive("waitInOpenState", waitInOpenState);
    range("permittedCallsInHalfOpenState", permittedCallsInHalfOpenState, 1, 100);
    positive("callDeadline", callDeadline);
    range("callAttempts", callAttempts, 1, 10);
    positive("retryBackoff", retryBackoff);
    positive("retryBackoffMax", retryBackoffMax);
    if (retryBackoffMax.compareTo(retryBackoff) < 0) {
      throw new IllegalArgumentException("retryBackoffMax: " + retryBackoffMax
          + " (expected: >= retryBackoff " + retryBackoff + ")");
    }
    positive("watchIdleTimeout", watchIdleTimeout);
    positive("restartGrace", restartGrace);
    if (!(redistributeMinCoverage >= 0 && redistributeMinCoverage <= 1)) {
      throw new IllegalArgumentException("redistributeMinCoverage: " + redistributeMinCoverage + " (expected: 0..1)");
    }
  }

  public static ResilienceConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  private static void range(String name, int v, int min, int max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(name + ": " + v + " (expected: " + min + ".." + max + ")");
    }
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }

  /** Builds a {@link ResilienceConfig}; every setter is optional. */
  public static final class Builder {
    private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;
    private int minimumNumberOfCalls = DEFAULT_MINIMUM_NUMBER_OF_CALLS;
    private int failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
    private Duration waitInOpenState = DEFAULT_WAIT_IN_OPEN_STATE;
    private int permittedCallsInHalfOpenState = DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE;
    private Duration callDeadline = DEFAULT_CALL_DEADLINE;
    private int callAttempts = DEFAULT_CALL_ATTEMPTS;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration retryBackoffMax = DEFAULT_RETRY_BACKOFF_MAX;
    private Duration watchIdleTimeout = DEFAULT_WATCH_IDLE_TIMEOUT;
    private Duration restartGrace = DEFAULT_RESTART_GRACE;
    private double redistributeMinCoverage = DEFAULT_REDISTRIBUTE_MIN_COVERAGE;

    private Builder() {}

    public Builder slidingWindowSize(int v) {
      this.slidingWindowSize = v;
      return this;
    }

    public Builder minimumNumberOfCalls(int v) {
      this.minimumNumberOfCalls = v;
      return this;
    }

    public Builder failureRateThreshold(int percent) {
      this.failureRateThreshold = percent;
      return this;
    }

    public Builder waitInOpenState(Duration d) {
      this.waitInOpenState = d;
      return this;
    }

    public Builder permittedCallsInHalfOpenState(int v) {
      this.permittedCallsInHalfOpenState = v;
      return this;
    }

    public Builder callDeadline(Duration d) {
      this.callDeadline = d;
      return this;
    }

    public Builder callAttempts(int v) {
      this.callAttempts = v;
      return this;
    }

    public Builder retryBackoff(Duration d) {
      this.retryBackoff = d;
      return this;
    }

    public Builder retryBackoffMax(Duration d) {
      this.retryBackoffMax = d;
      return this;
    }

    public Builder watchIdleTimeout(Duration d) {
      this.watchIdleTimeout = d;
      return this;
    }

    public Builder restartGrace(Duration d) {
      this.restartGrace = d;
      return this;
    }

    public Builder redistributeMinCoverage(double v) {
      this.redistributeMinCoverage = v;
      return this;
    }

    public ResilienceConfig build() {
      return new ResilienceConfig(slidingWindowSize, minimumNumberOfCalls, failureRateThreshold, waitInOpenState,
          permittedCallsInHalfOpenState, callDeadline, callAttempts, retryBackoff, retryBackoffMax,
          watchIdleTimeout, restartGrace, redistributeMinCoverage);
    }
  }
}
