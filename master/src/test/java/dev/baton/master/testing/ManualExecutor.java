package dev.baton.master.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lane of a {@link ManualClock}: a single real thread that runs {@code execute}d tasks in
 * order, and a {@link ScheduledExecutorService} whose timers fire only when the clock is advanced
 * past them. The state below is guarded by the clock's lock, which the lane's thread waits on.
 */
public final class ManualExecutor extends AbstractExecutorService implements ScheduledExecutorService {
  private static final Logger log = LoggerFactory.getLogger(ManualExecutor.class);

  private final ManualClock clock;
  private final String name;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private final LaneThread thread;
  /** Signalled when a task is queued here or the lane shuts down. */
  private final java.util.concurrent.locks.Condition work;
  private boolean shutdown;
  private boolean terminated;
  /** The task running now, for a deadlock's report. */
  private Runnable running;

  /** A lane's thread: known, so that the clock can refuse to wait for itself on one. */
  static final class LaneThread extends Thread {
    LaneThread(Runnable r, String name) {
      super(r, name);
      setDaemon(true);
    }
  }

  ManualExecutor(ManualClock clock, String name) {
    this.clock = clock;
    this.name = name;
    this.thread = new LaneThread(this::work, name);
    this.work = clock.lock.newCondition();
  }

  void start() {
    thread.start();
  }

  public String name() {
    return name;
  }

  private void work() {
    while (true) {
      Runnable task;
      clock.lock.lock();
      try {
        while (queue.isEmpty() && !shutdown) {
          try {
            work.await();
          } catch (InterruptedException e) {
            // shutdownNow interrupts: the loop sees shutdown
          }
        }
        if (queue.isEmpty()) {
          terminated = true;
          clock.quiet.signalAll();
          return;
        }
        task = queue.poll();
        running = task;
      } finally {
        clock.lock.unlock();
      }
      try {
        task.run();
      } catch (Throwable t) {
        // What a real executor's thread would die of; the code under test guards its own tasks.
        log.error("task on lane {} threw", name, t);
      } finally {
        Thread.interrupted(); // an interrupt meant for this task stays with it
        clock.lock.lock();
        try {
          running = null;
          clock.busier(-1);
        } finally {
          clock.lock.unlock();
        }
      }
    }
  }

  /** Queues a task to run in order (lock held by the caller). */
  void enqueue(Runnable task) {
    if (shutdown) {
      if (task instanceof Timer<?> t) {
        t.cancel(false);
        return;
      }
      throw new RejectedExecutionException("lane " + name + " is shut down");
    }
    queue.add(task);
    clock.busier(1);
    work.signal();
  }

  @Override
  public void execute(Runnable command) {
    clock.lock.lock();
    try {
      enqueue(command);
    } finally {
      clock.lock.unlock();
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return arm(new Timer<Void>(Executors.callable(command, null), delay(delay, unit), Duration.ZERO));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return arm(new Timer<>(callable, delay(delay, unit), Duration.ZERO));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return arm(new Timer<Void>(Executors.callable(command, null), delay(initialDelay, unit), period(period, unit)));
  }

  /** On a manual clock no time passes while a task runs, so a fixed delay is a fixed rate. */
  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return arm(new Timer<Void>(Executors.callable(command, null), delay(initialDelay, unit), period(delay, unit)));
  }

  private static Duration delay(long amount, TimeUnit unit) {
    return Duration.ofNanos(Math.max(0, unit.toNanos(amount)));
  }

  private static Duration period(long amount, TimeUnit unit) {
    if (amount <= 0) {
      throw new IllegalArgumentException("period: " + amount + " " + unit + " (expected: > 0)");
    }
    return Duration.ofNanos(unit.toNanos(amount));
  }

  /** A timer due now runs at once, as a real executor's would; a later one waits for the clock. */
  private <V> Timer<V> arm(Timer<V> t) {
    clock.lock.lock();
    try {
      if (shutdown) {
        throw new RejectedExecutionException("lane " + name + " is shut down");
      }
      t.due = clock.instant().plus(t.delay);
      t.seq = clock.nextSeq();
      if (t.due.isAfter(clock.instant())) {
        clock.addTimer(t);
      } else {
        enqueue(t);
      }
    } finally {
      clock.lock.unlock();
    }
    return t;
  }

  /** A scheduled task; ordered by due time, then by when it was scheduled. */
  final class Timer<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
    final ManualExecutor lane = ManualExecutor.this;
    final Duration delay;
    /** Zero: once. */
    final Duration period;
    Instant due;
    long seq;

    Timer(Callable<V> callable, Duration delay, Duration period) {
      super(callable);
      this.delay = delay;
      this.period = period;
    }

    @Override
    public boolean isPeriodic() {
      return !period.isZero();
    }

    @Override
    public void run() {
      if (!isPeriodic()) {
        super.run();
        return;
      }
      if (runAndReset()) {
        clock.lock.lock();
        try {
          if (!shutdown && !isCancelled()) {
            due = due.plus(period);
            seq = clock.nextSeq();
            clock.addTimer(this);
          }
        } finally {
          clock.lock.unlock();
        }
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      clock.lock.lock();
      try {
        clock.removeTimer(this);
      } finally {
        clock.lock.unlock();
      }
      return cancelled;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(clock.instant(), due).toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      if (o instanceof ManualExecutor.Timer<?> t) {
        int c = due.compareTo(t.due);
        return c != 0 ? c : Long.compare(seq, t.seq);
      }
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  @Override
  public void shutdown() {
    clock.lock.lock();
    try {
      shutdown = true;
      clock.removeTimersOf(this);
      work.signalAll();
    } finally {
      clock.lock.unlock();
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    List<Runnable> dropped;
    clock.lock.lock();
    try {
      shutdown = true;
      clock.removeTimersOf(this);
      dropped = List.copyOf(queue);
      clock.busier(-queue.size());
      queue.clear();
      work.signalAll();
    } finally {
      clock.lock.unlock();
    }
    thread.interrupt();
    return dropped;
  }

  @Override
  public boolean isShutdown() {
    clock.lock.lock();
    try {
      return shutdown;
    } finally {
      clock.lock.unlock();
    }
  }

  @Override
  public boolean isTerminated() {
    clock.lock.lock();
    try {
      return terminated;
    } finally {
      clock.lock.unlock();
    }
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    clock.lock.lock();
    try {
      while (!terminated) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        clock.quiet.awaitNanos(left);
      }
      return true;
    } finally {
      clock.lock.unlock();
    }
  }

  /** What the lane is doing, if anything (lock held): for a deadlock's report. */
  String describeIfBusy() {
    if (running == null && queue.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder(name).append(": ").append(queue.size()).append(" queued");
    if (running != null) {
      b.append(", running ").append(running).append(" at");
      for (StackTraceElement e : thread.getStackTrace()) {
        b.append("\n      ").append(e);
      }
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "lane " + name;
  }
}
