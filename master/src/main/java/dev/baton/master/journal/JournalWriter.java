package dev.baton.master.journal;

import dev.baton.master.events.InMemoryPlanStore;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's one writer thread: group commit. Appenders queue events (and outbox actions) in
 * order; the thread takes everything queued, up to {@link JournalSettings#maxBatch}, commits it in
 * one transaction under the leader's epoch, then marks the events durable (waking subscribers on
 * this thread) and runs the actions queued with them, in order. While one commit waits for its
 * fsync the next batch accumulates, so many appends cost one fsync.
 *
 * <p>A failed or fenced commit runs none of its actions and makes this writer drop everything
 * after it: the store is fenced ({@code onFailure} is called once) and a new leader reloads from
 * the journal.
 *
 * <p>Threads: {@link #enqueue} and {@link #afterDurable} from any thread (the plan's lock held
 * for events, so each plan's events arrive in sequence order); everything else on the writer thread.
 */
final class JournalWriter {
  private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);

  private sealed interface Item permits EventItem, ActionItem, Stop {}

  private record EventItem(PlanEvent event, PlanStatus snapshot) implements Item {}

  private record ActionItem(Runnable action) implements Item {}

  private record Stop() implements Item {}

  private final Journal journal;
  private final long epoch;
  private final InMemoryPlanStore memory;
  private final int maxBatch;
  private final Consumer<String> onFailure;
  private final BlockingQueue<Item> queue;
  private final Thread thread;
  private volatile boolean failed;

  final AtomicLong commits = new AtomicLong();
  final AtomicLong events = new AtomicLong();
  final AtomicLong snapshots = new AtomicLong();
  final AtomicLong actions = new AtomicLong();
  final AtomicLong largestBatch = new AtomicLong();
  /** Commit latency and batch size on the process's metrics (docs/observability.md); no-ops without a metrics port. */
  private final JournalMeters meters;

  JournalWriter(Journal journal, long epoch, InMemoryPlanStore memory, JournalSettings settings, Consumer<String> onFailure) {
    this.journal = journal;
    this.epoch = epoch;
    this.memory = memory;
    this.maxBatch = settings.maxBatch();
    this.onFailure = onFailure;
    this.meters = JournalMeters.of(journal);
    this.queue = new LinkedBlockingQueue<>(settings.maxQueued());
    this.thread = new Thread(this::run, "journal-writer-epoch-" + epoch);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues an appended event (and its plan's status when a snapshot is due); waits while the queue is full. */
  void enqueue(PlanEvent event, PlanStatus snapshot) {
    put(new EventItem(event, snapshot));
  }

  /** Queues an outbox action: it runs after the commit that covers every event queued before it. */
  void afterDurable(Runnable action) {
    put(new ActionItem(action));
  }

  private void put(Item item) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          queue.put(item);
          return;
        } catch (InterruptedException e) {
          interrupted = true; // the item must not be lost: a gap in a plan's events would follow
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Commits what is queued, then stops the thread; waits at most {@code timeoutMillis}. */
  void stop(long timeoutMillis) {
    put(new Stop());
    try {
      thread.join(timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("journal writer of epoch {} did not stop within {} ms; uncommitted events are lost", epoch, timeoutMillis);
    }
  }

  boolean onWriterThread() {
    return Thread.currentThread() == thread;
  }

  private void run() {
    List<Item> batch = new ArrayList<>();
    while (true) {
      Item first;
      try {
        first = queue.take();
      } catch (InterruptedException e) {
        continue; // only Stop ends the writer, so nothing queued is dropped silently
      }
      batch.add(first);
      queue.drainTo(batch, maxBatch - 1);
      boolean stop = false;
      int end = batch.size();
      for (int i = 0; i < batch.size(); i++) {
        if (batch.get(i) instanceof Stop) {
          stop = true;
          end = i; // Stop is queued last by stop(); anything after it came from a racing appender
          break;
        }
      }
      commit(batch.subList(0, end));
      batch.clear();
      if (stop) {
        return;
      }
    }
  }

  private void commit(List<Item> items) {
    if (failed || items.isEmpty()) {
      return;
    }
    List<PlanEvent> evs = new ArrayList<>();
    List<PlanStatus> snaps = new ArrayList<>();
    List<Runnable> acts = new ArrayList<>();
    for (Item item : items) {
      if (item instanceof EventItem e) {
        evs.add(e.event());
        if (e.snapshot() != null) {
          snaps.add(e.snapshot());
        }
      } else if (item instanceof ActionItem a) {
        acts.add(a.action());
      }
    }
    if (!evs.isEmpty()) {
      long began = System.nanoTime();
      try {
        journal.append(epoch, evs, snaps);
      } catch (FencedException e) {
        fail(e.getMessage());
        return;
      } catch (RuntimeException e) {
        fail("fenced: journal commit of " + evs.size() + " event(s) failed (" + e.getMessage()
            + "); this master stops writing: a leader reloads the plans from the journal");
        return;
      }
      meters.committed(System.nanoTime() - began, evs.size());
      commits.incrementAndGet();
      events.addAndGet(evs.size());
      snapshots.addAndGet(snaps.size());
      largestBatch.accumulateAndGet(evs.size(), Math::max);
      Map<String, Long> durable = new HashMap<>();
      for (PlanEvent e : evs) {
        durable.merge(e.getPlanId(), e.getSequence(), Math::max);
      }
      durable.forEach(memory::markDurable);
    }
    for (Runnable action : acts) {
      try {
        action.run();
      } catch (RuntimeException e) {
        log.warn("an afterDurable action failed; the next ones still run", e);
      }
      actions.incrementAndGet();
    }
  }

  private void fail(String reason) {
    failed = true;
    onFailure.accept(reason);
  }

  /** How long {@link #stop} waits by default. */
  static final long STOP_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(30);
}
