package dev.baton.master.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Resilience4j circuit breaker per sub-orchestrator instance, created on first use.
 *
 * <p>What a "call" is: a delegate on the Execute stream (its final answer after retries), a
 * Describe probe, a CancelExecution, and the whole watch of one execution on that stream (success
 * when its terminal update arrived, whatever the task's outcome; failure when the stream broke or
 * the watch passed its deadline). Signals from the registry
 * count too: missed heartbeats record a failure ({@link #failure}), a lost Coordinate stream or a
 * heartbeat timeout opens the breaker at once ({@link #open}). A task that fails on its own
 * merits is a successful call: the instance did its job of reporting it.
 *
 * <p>Thread-safe. Listeners hear transitions to OPEN on the thread that caused them; the engine
 * posts them to its own thread.
 */
public final class Breakers {
  private static final Logger log = LoggerFactory.getLogger(Breakers.class);

  /** A breaker opened: {@code detection} says why, for events and logs. */
  @FunctionalInterface
  public interface OpenListener {
    void opened(String instanceId, String detection);
  }

  private final CircuitBreakerConfig config;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final Map<String, String> lastFailure = new ConcurrentHashMap<>();
  private final Map<String, String> forcedReason = new ConcurrentHashMap<>();
  private final List<OpenListener> listeners = new CopyOnWriteArrayList<>();
  private final List<TransitionListener> transitionListeners = new CopyOnWriteArrayList<>();

  /**
   * Hears each breaker made (an instance's first delegation) and every transition of every breaker
   * (the master's breaker metrics), on the thread that caused it; must be quick.
   */
  public interface TransitionListener {
    void created(String instanceId);

    void transition(String instanceId, CircuitBreaker.State from, CircuitBreaker.State to);
  }

  public Breakers(ResilienceConfig c, Clock clock) {
    this.config = CircuitBreakerConfig.custom()
        .slidingWindow(c.slidingWindowSize(), c.minimumNumberOfCalls(), SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(c.failureRateThreshold())
        .waitDurationInOpenState(c.waitInOpenState())
        .permittedNumberOfCallsInHalfOpenState(c.permittedCallsInHalfOpenState())
        // Slow calls are caught by deadlines, which record failures; no second notion of slow.
        .slowCallRateThreshold(100)
        .slowCallDurationThreshold(Duration.ofDays(1))
        // Open -> half-open happens when a dispatch asks for permission: no timer thread of its own.
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .clock(clock)
        .build();
  }

  public void addListener(OpenListener l) {
    listeners.add(l);
  }

  public void addTransitionListener(TransitionListener l) {
    transitionListeners.add(l);
  }

  private CircuitBreaker breaker(String instanceId) {
    return breakers.computeIfAbsent(instanceId, id -> {
      CircuitBreaker cb = CircuitBreaker.of(id, config);
      cb.getEventPublisher().onStateTransition(e -> {
        CircuitBreaker.State to = e.getStateTransition().getToState();
        log.info("circuit breaker of {}: {}", id, e.getStateTransition());
        for (TransitionListener l : transitionListeners) {
          l.transition(id, e.getStateTransition().getFromState(), to);
        }
        if (to == CircuitBreaker.State.OPEN) {
          String why = forcedReason.remove(id);
          if (why == null) {
            var m = cb.getMetrics();
            why = String.format(Locale.ROOT, "circuit breaker opened: %.0f%% of the last %d calls failed",
                m.getFailureRate(), m.getNumberOfBufferedCalls())
                + (lastFailure.containsKey(id) ? " (last: " + lastFailure.get(id) + ")" : "");
          }
          for (OpenListener l : listeners) {
            l.opened(id, why);
          }
        }
      });
      for (TransitionListener l : transitionListeners) {
        l.created(id);
      }
      return cb;
    });
  }

  /**
   * Asks for a permission to delegate to the instance: true when CLOSED, or HALF_OPEN with a probe
   * slot left (an OPEN breaker past its wait becomes HALF_OPEN here). Every permission granted must
   * end in {@link #success}, {@link #failure} or {@link #release}.
   */
  public boolean tryAcquire(String instanceId) {
    return breaker(instanceId).tryAcquirePermission();
  }

  /** Gives back a permission that was not used. */
  public void release(String instanceId) {
    breaker(instanceId).releasePermission();
  }

  public void success(String instanceId, Duration took) {
    breaker(instanceId).onSuccess(took.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Records a failed call or a missed heartbeat; {@code why} is kept for the detection message. */
  public void failure(String instanceId, Duration took, String why) {
    lastFailure.put(instanceId, why);
    breaker(instanceId).onError(took.toNanos(), TimeUnit.NANOSECONDS, new InstanceFailure(why));
  }

  /** Opens the breaker now (a lost stream, a heartbeat timeout): no window to fill first. */
  public void open(String instanceId, String why) {
    CircuitBreaker cb = breaker(instanceId);
    if (cb.getState() != CircuitBreaker.State.OPEN) {
      forcedReason.put(instanceId, why);
      cb.transitionToOpenState();
    }
  }

  /** The instance came back (it registered again): let a probe through now rather than after the wait. */
  public void halfOpen(String instanceId) {
    CircuitBreaker cb = breaker(instanceId);
    if (cb.getState() == CircuitBreaker.State.OPEN) {
      cb.transitionToHalfOpenState();
    }
  }

  /** CLOSED for an instance never seen. */
  public CircuitBreaker.State state(String instanceId) {
    CircuitBreaker cb = breakers.get(instanceId);
    return cb == null ? CircuitBreaker.State.CLOSED : cb.getState();
  }

  /** True while the breaker keeps the instance out of rotation. */
  public boolean isOpen(String instanceId) {
    CircuitBreaker.State s = state(instanceId);
    return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
  }

  /** closed | open | half_open, as the docs and the dashboard name them. */
  public String word(String instanceId) {
    return state(instanceId).name().toLowerCase(Locale.ROOT);
  }

  /** What the breaker records as the cause of a failure; never thrown. */
  static final class InstanceFailure extends RuntimeException {
    InstanceFailure(String message) {
      super(message, null, false, false);
    }
  }
}
