package dev.baton.master.dashboard.http;

import java.util.HashMap;
import java.util.Map;

/**
 * Bounds on open event streams, each holding one stream thread: at most {@code max} over all callers
 * and {@code perCaller} for one caller; beyond, 429 naming the bound. Thread-safe (guarded by this).
 */
final class StreamLimits {
  private final int max;
  private final int perCaller;
  private final Map<String, Integer> held = new HashMap<>();
  private int total;

  StreamLimits(int max, int perCaller) {
    this.max = max;
    this.perCaller = perCaller;
  }

  /** Takes a stream for {@code caller}; the returned release gives it back (idempotent). */
  synchronized Runnable acquire(String caller) {
    if (total >= max) {
      throw new ApiError(429, "RESOURCE_EXHAUSTED", "this master's dashboard serves " + max
          + " event streams at once, all in use; close a dashboard tab or retry later (docs/dashboard.md, Bounds)");
    }
    int mine = held.getOrDefault(caller, 0);
    if (mine >= perCaller) {
      throw new ApiError(429, "RESOURCE_EXHAUSTED", "caller '" + (caller.isEmpty() ? "anonymous" : caller)
          + "' holds " + mine + " dashboard event streams: the limit is " + perCaller
          + " per caller; close a dashboard tab first (docs/dashboard.md, Bounds)");
    }
    held.put(caller, mine + 1);
    total++;
    java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        release(caller);
      }
    };
  }

  private synchronized void release(String caller) {
    total--;
    held.computeIfPresent(caller, (k, n) -> n <= 1 ? null : n - 1);
  }

  synchronized int open() {
    return total;
  }
}
