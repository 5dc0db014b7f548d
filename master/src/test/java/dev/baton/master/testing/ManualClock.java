package dev.baton.master.testing;

import dev.baton.master.MasterConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A {@link Clock} that moves only when the test says so, and the executors it drives: time-based
 * behaviour (retry backoff, deadlines, sync timeouts, recovery grace, heartbeats) is tested by
 * saying "advance 90 s" instead of waiting 90 s, and without races between the test and the timers.
 *
 * <p>Each executor from {@link #newExecutor} is a <em>lane</em>: one real thread that runs what is
 * {@code execute}d on it in order, as the master's single-threaded executors do, so code that
 * relies on one thread owning its state runs unchanged. Scheduled tasks do not run on their own:
 * {@link #advance} moves the clock from timer to timer in due order (submission order on a tie),
 * hands each to its lane, and before the next one waits until every lane is idle, so that all the
 * work a timer caused (messages over in-process gRPC whose callbacks run on lanes, tasks posted to
 * the engine) is done before time moves on. {@link #settle} is that wait on its own: a barrier
 * after which whatever the lanes were asked to do is done.
 *
 * <p>Why not a library: jmock's {@code DeterministicScheduler} runs tasks on the test's thread when
 * it ticks, so a test thread blocked in {@code Engine.submit} (which waits for the scheduler's
 * thread) would wait for itself; Awaitility and threeten-extra's {@code MutableClock} move no
 * timers. The guarantee holds only for work on lanes: a thread the clock does not drive (Netty, a
 * real executor, the engine's git thread) may post work after {@link #settle} returned, so tests on
 * a manual clock use in-process transport with lanes as the gRPC executors.
 *
 * <p>Threads: {@link #advance}, {@link #settle} and {@link #advanceUntil} are for the test's thread
 * (from a lane they would wait for themselves, and are refused); everything else is thread-safe.
 */
public final class ManualClock extends Clock implements AutoCloseable {
  /** A settle that takes longer than this in real time is a deadlock or a thread the clock does not see. */
  static final Duration SETTLE_LIMIT = Duration.ofSeconds(20);
  /** Where a clock starts unless told otherwise: a fixed instant, so that runs repeat. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  /** Guards everything below and the lanes' state; each lane waits on its own condition for work. */
  final ReentrantLock lock = new ReentrantLock();
  /** Signalled when no lane is busy, and when a lane terminates. */
  final Condition quiet = lock.newCondition();
  private volatile Instant now;
  private final PriorityQueue<ManualExecutor.Timer<?>> timers = new PriorityQueue<>();
  private final List<ManualExecutor> lanes = new ArrayList<>();
  private long nextSeq;
  /** Tasks queued on or running in any lane. */
  private int busy;

  private ManualClock(Instant start) {
    this.now = start;
  }

  /** A clock at {@link #DEFAULT_START}. */
  public static ManualClock create() {
    return new ManualClock(DEFAULT_START);
  }

  public static ManualClock startingAt(Instant start) {
    return new ManualClock(start);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** A view in another zone that shares this clock's time. */
  @Override
  public Clock withZone(ZoneId zone) {
    ManualClock self = this;
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return zone;
      }

      @Override
      public Clock withZone(ZoneId z) {
        return self.withZone(z);
      }

      @Override
      public Instant instant() {
        return self.instant();
      }
    };
  }

  /** A new lane: a single-threaded scheduled executor on this clock whose thread is named {@code name}. */
  public ManualExecutor newExecutor(String name) {
    ManualExecutor lane = new ManualExecutor(this, name);
    lock.lock();
    try {
      lanes.add(lane);
    } finally {
      lock.unlock();
    }
    lane.start();
    return lane;
  }

  /** Makes a master's threads lanes of this clock ({@link MasterConfig.Builder#threads}). */
  public MasterConfig.Threads threads() {
    return this::newExecutor;
  }

  /**
   * Moves the clock forward by {@code d}, running every timer due by then in due order, each
   * with all it causes on the lanes before the next; returns at the new time with every lane idle.
   */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("advance: " + d + " (expected: >= 0; a clock never goes back)");
    }
    Instant target = now.plus(d);
    advanceUntil(() -> false, target);
  }

  /**
   * Moves the clock timer by timer until {@code condition} holds (checked with every lane idle,
   * before each timer), at most by {@code limit}: a test that runs a plan to its end stops at the
   * moment it ended, whenever that is.
   *
   * @return the time that passed
   * @throws AssertionError if the condition still fails once {@code limit} has passed
   */
  public Duration advanceUntil(BooleanSupplier condition, Duration limit) {
    Instant start = now;
    Instant target = start.plus(limit);
    if (advanceUntil(condition, target)) {
      return Duration.between(start, now);
    }
    throw new AssertionError("condition still false after " + limit + " of manual time (at " + now
        + "; " + pendingTimers() + " timer(s) pending)");
  }

  /** True once the condition held; false when {@code target} came first (the clock is then at it). */
  private boolean advanceUntil(BooleanSupplier condition, Instant target) {
    refuseOnLane("advance");
    while (true) {
      settle();
      if (condition.getAsBoolean()) {
        return true;
      }
      lock.lock();
      try {
        ManualExecutor.Timer<?> next = timers.peek();
        if (next == null || next.due.isAfter(target)) {
          now = target;
          break;
        }
        timers.poll();
        if (next.due.isAfter(now)) {
          now = next.due;
        }
        next.lane.enqueue(next);
      } finally {
        lock.unlock();
      }
    }
    settle();
    return condition.getAsBoolean();
  }

  /**
   * Waits until no lane has a task queued or running: a barrier after which everything the lanes
   * were asked to do (and everything that asked of them in turn) is done. Time does not move.
   *
   * @throws IllegalStateException after {@link #SETTLE_LIMIT} of real time, naming the busy lanes
   *     and what their threads are doing (a deadlock, or a lane waiting on a thread not driven here)
   */
  public void settle() {
    refuseOnLane("settle");
    long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
    lock.lock();
    try {
      while (busy > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("lanes still busy after " + SETTLE_LIMIT + " of real time: "
              + describeBusy());
        }
        quiet.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while settling", e);
    } finally {
      lock.unlock();
    }
  }

  /** Timers not yet due (cancelled ones have left). */
  public int pendingTimers() {
    lock.lock();
    try {
      return timers.size();
    } finally {
      lock.unlock();
    }
  }

  /** Stops every lane (their queued work is dropped). */
  @Override
  public void close() {
    List<ManualExecutor> all;
    lock.lock();
    try {
      all = List.copyOf(lanes);
    } finally {
      lock.unlock();
    }
    all.forEach(ManualExecutor::shutdownNow);
  }

  @Override
  public String toString() {
    return "ManualClock[" + now + "]";
  }

  // --- called by the lanes, under lock ---

  long nextSeq() {
    return nextSeq++;
  }

  void addTimer(ManualExecutor.Timer<?> t) {
    timers.add(t);
  }

  void removeTimer(ManualExecutor.Timer<?> t) {
    timers.remove(t);
  }

  void removeTimersOf(ManualExecutor lane) {
    timers.removeIf(t -> t.lane == lane);
  }

  void busier(int delta) {
    busy += delta;
    if (busy == 0) {
      quiet.signalAll();
    }
  }

  private void refuseOnLane(String what) {
    if (Thread.currentThread() instanceof ManualExecutor.LaneThread) {
      throw new IllegalStateException(what + " called on lane " + Thread.currentThread().getName()
          + ": it would wait for itself (call it from the test's thread)");
    }
  }

  private String describeBusy() {
    StringBuilder b = new StringBuilder();
    for (ManualExecutor lane : lanes) {
      String state = lane.describeIfBusy();
      if (state != null) {
        b.append("\n  ").append(state);
      }
    }
    return b.toString();
  }
}
