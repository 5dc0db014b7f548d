package dev.baton.master.grpc;

import dev.baton.runtime.server.BatonException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.grpc.Status;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The master's limits per caller (the subject of {@link dev.baton.runtime.security.Principal};
 * {@code local} for every caller of an open server): unfinished plans, submissions per minute
 * (a Resilience4j {@link RateLimiter} each) and concurrent WatchPlan streams (a {@link Bulkhead}
 * each). Over a limit a call is refused with RESOURCE_EXHAUSTED naming the limit, its value and
 * the flag that changes it; other callers are not affected.
 *
 * <p>Memory stays bounded: rate limiters live in a map of at most {@link Settings#maxCallers}
 * callers, the least recently seen dropped first (a dropped caller starts a fresh minute); a
 * bulkhead lives only while its caller holds a stream. Thread-safe: the maps are guarded by this,
 * the limiters and bulkheads are Resilience4j's own thread-safe objects, used on gRPC's threads.
 */
public final class CallerLimits {
  /**
   * @param plansPerCaller unfinished plans one caller may have on this master (default 100)
   * @param submissionsPerMinute SubmitPlan calls one caller may make per minute (default 600)
   * @param watchStreamsPerCaller WatchPlan streams one caller may hold open at once (default 64)
   * @param maxCallers callers whose submission rate is remembered (default 10,000)
   */
  public record Settings(int plansPerCaller, int submissionsPerMinute, int watchStreamsPerCaller, int maxCallers) {
    public static final int DEFAULT_PLANS_PER_CALLER = 100;
    public static final int DEFAULT_SUBMISSIONS_PER_MINUTE = 600;
    public static final int DEFAULT_WATCH_STREAMS_PER_CALLER = 64;
    public static final int DEFAULT_MAX_CALLERS = 10_000;
    public static final Settings DEFAULTS = new Settings(DEFAULT_PLANS_PER_CALLER, DEFAULT_SUBMISSIONS_PER_MINUTE,
        DEFAULT_WATCH_STREAMS_PER_CALLER, DEFAULT_MAX_CALLERS);

    public Settings {
      atLeastOne("plansPerCaller (--max-plans-per-caller)", plansPerCaller);
      atLeastOne("submissionsPerMinute (--submissions-per-minute)", submissionsPerMinute);
      atLeastOne("watchStreamsPerCaller (--watch-streams-per-caller)", watchStreamsPerCaller);
      atLeastOne("maxCallers", maxCallers);
    }

    private static void atLeastOne(String name, int value) {
      if (value < 1 || value > 1_000_000) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: 1..1000000)");
      }
    }
  }

  private final Settings settings;
  private final RateLimiterConfig rateConfig;
  private final BulkheadConfig watchConfig;
  private final Map<String, RateLimiter> rates;
  private final Map<String, Bulkhead> watches = new java.util.HashMap<>();

  public CallerLimits(Settings settings) {
    this.settings = settings;
    this.rateConfig = RateLimiterConfig.custom()
        .limitForPeriod(settings.submissionsPerMinute())
        .limitRefreshPeriod(Duration.ofMinutes(1))
        .timeoutDuration(Duration.ZERO)
        .build();
    this.watchConfig = BulkheadConfig.custom()
        .maxConcurrentCalls(settings.watchStreamsPerCaller())
        .maxWaitDuration(Duration.ZERO)
        .build();
    this.rates = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, RateLimiter> eldest) {
        return size() > settings.maxCallers();
      }
    };
  }

  public Settings settings() {
    return settings;
  }

  /** Takes one submission of {@code caller}'s minute, or refuses. */
  public void acquireSubmission(String caller) {
    RateLimiter limiter;
    synchronized (this) {
      limiter = rates.computeIfAbsent(caller, c -> RateLimiter.of("submissions-" + c, rateConfig));
    }
    if (!limiter.acquirePermission()) {
      throw exhausted("caller '" + display(caller) + "' made " + settings.submissionsPerMinute()
          + " submissions this minute: the limit is " + settings.submissionsPerMinute()
          + " per minute (baton master --submissions-per-minute); retry in a minute");
    }
  }

  /** Refuses one more plan of {@code caller} when it already has {@code unfinished} of them. */
  public void admitPlan(String caller, int unfinished) {
    if (unfinished >= settings.plansPerCaller()) {
      throw exhausted("caller '" + display(caller) + "' has " + unfinished + " unfinished plans: the limit is "
          + settings.plansPerCaller() + " per caller (baton master --max-plans-per-caller); wait for one to"
          + " finish or cancel one");
    }
  }

  /**
   * Takes one of {@code caller}'s WatchPlan streams, or refuses; the returned release gives it
   * back (call it once, when the stream ends however it ends).
   */
  public Runnable acquireWatch(String caller) {
    Bulkhead bulkhead;
    synchronized (this) {
      bulkhead = watches.computeIfAbsent(caller, c -> Bulkhead.of("watch-" + c, watchConfig));
      if (!bulkhead.tryAcquirePermission()) {
        throw exhausted("caller '" + display(caller) + "' holds " + settings.watchStreamsPerCaller()
            + " WatchPlan streams: the limit is " + settings.watchStreamsPerCaller()
            + " per caller (baton master --watch-streams-per-caller); close one first");
      }
    }
    java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        synchronized (this) {
          bulkhead.onComplete();
          if (bulkhead.getMetrics().getAvailableConcurrentCalls() == settings.watchStreamsPerCaller()) {
            watches.remove(caller, bulkhead);
          }
        }
      }
    };
  }

  /** For tests: callers whose rate is remembered, callers holding streams. */
  synchronized int[] sizes() {
    return new int[] {rates.size(), watches.size()};
  }

  private static String display(String caller) {
    return caller.isEmpty() ? "anonymous" : caller.length() > 64 ? caller.substring(0, 64) + "..." : caller;
  }

  private static BatonException exhausted(String message) {
    return new BatonException(Status.Code.RESOURCE_EXHAUSTED, message);
  }
}
