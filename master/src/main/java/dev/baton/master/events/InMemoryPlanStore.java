package dev.baton.master.events;

import com.google.protobuf.Timestamp;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PlanStore} in memory: an append-only list of events and the reduced status per plan,
 * folded in place and snapshotted only when read.
 *
 * <p>Appends to one plan are serialised by the plan's lock; readers see immutable snapshots.
 * Subscribers keep a cursor and pull from the list, so replay and live delivery can never skip or
 * repeat an event whatever the interleaving of subscribe and append.
 *
 * <p>A journal uses it as its live view ({@link #journaled}): appends are folded at once (the
 * scheduler reads its own writes), an {@link AppendHook} hands each stored event to the journal's
 * writer under the plan's lock (so in sequence order), and subscribers see an event only once the
 * journal {@linkplain #markDurable marked it durable}. A plan restored from a snapshot holds only
 * the events after it; older ones are read through {@link OlderEvents}.
 */
public final class InMemoryPlanStore implements PlanStore {
  private static final Logger log = LoggerFactory.getLogger(InMemoryPlanStore.class);
  private final Clock clock;
  private final Map<String, PlanLog> plans = new ConcurrentHashMap<>();
  private final boolean gated;
  private final AppendHook hook;
  private final OlderEvents older;

  public InMemoryPlanStore(Clock clock) {
    this(clock, false, null, null);
  }

  private InMemoryPlanStore(Clock clock, boolean gated, AppendHook hook, OlderEvents older) {
    this.clock = clock;
    this.gated = gated;
    this.hook = hook;
    this.older = older;
  }

  /**
   * The live view of a journal: subscribers see only events marked durable; {@code hook} receives
   * every appended event under its plan's lock; {@code older} supplies events before a restored
   * plan's first event in memory.
   */
  public static InMemoryPlanStore journaled(Clock clock, AppendHook hook, OlderEvents older) {
    return new InMemoryPlanStore(clock, true, hook, older);
  }

  /** Receives each appended event, under its plan's lock, in sequence order. Must not block for long. */
  @FunctionalInterface
  public interface AppendHook {
    /** {@code status} is the plan's status with {@code stored} folded in; it is only valid during the call. */
    void appended(PlanEvent stored, PlanReducer.Mutable status);
  }

  /** Events a journal holds but memory does not (before a restored plan's snapshot). */
  @FunctionalInterface
  public interface OlderEvents {
    /** Events of the plan with {@code after < sequence <= upTo}, in order; may return a first page only. */
    List<PlanEvent> read(String planId, long after, long upTo);
  }

  @Override
  public PlanEvent append(PlanEvent event) {
    String planId = event.getPlanId();
    if (planId.isEmpty()) {
      throw new IllegalArgumentException("event without plan_id: " + event.getKindCase());
    }
    PlanLog entry;
    if (event.hasPlanAccepted()) {
      entry = new PlanLog(0);
      if (plans.putIfAbsent(planId, entry) != null) {
        throw new IllegalStateException("plan " + planId + " was already accepted");
      }
    } else {
      entry = plans.get(planId);
      if (entry == null) {
        throw new IllegalStateException(
            "plan " + planId + " has no PlanAccepted event yet; cannot append " + event.getKindCase());
      }
    }
    PlanEvent stored;
    synchronized (entry) {
      if (entry.status != null && PlanReducer.isFinished(entry.status.state())) {
        throw new IllegalStateException(
            "plan " + planId + " already finished (" + entry.status.state() + "); cannot append "
                + event.getKindCase());
      }
      PlanEvent.Builder b = event.toBuilder().setSequence(entry.last() + 1);
      if (!event.hasTime()) {
        Instant now = clock.instant();
        b.setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
      }
      stored = b.build();
      if (entry.status == null) {
        entry.status = PlanReducer.start(stored);
      } else {
        PlanReducer.applyTo(entry.status, stored);
      }
      entry.events.add(stored);
      if (hook != null) {
        hook.appended(stored, entry.status);
      }
      if (!gated) {
        entry.visible = stored.getSequence();
      }
    }
    if (!gated) {
      entry.pumpAll();
    }
    return stored;
  }

  /**
   * Every event of the plan after {@code afterSequence} this store has appended or restored,
   * durable or not (the scheduler's view; {@link #subscribe} is the durable one).
   */
  @Override
  public List<PlanEvent> read(String planId, long afterSequence) {
    PlanLog entry = plans.get(planId);
    if (entry == null) {
      return List.of();
    }
    List<PlanEvent> out = new ArrayList<>(readOlder(planId, entry, afterSequence));
    AppendOnlyLog<PlanEvent> events = entry.events;
    int size = events.size();
    int from = (int) Math.max(0, Math.min(afterSequence - entry.base, size));
    out.addAll(events.copy(from, size));
    return List.copyOf(out);
  }

  /** {@link #read(String, long)} cut to {@code limit}: copies (and asks the journal for) only that many. */
  @Override
  public List<PlanEvent> read(String planId, long afterSequence, int limit) {
    PlanLog entry = plans.get(planId);
    if (entry == null || limit <= 0) {
      return List.of();
    }
    List<PlanEvent> out = new ArrayList<>(Math.min(limit, 1024));
    long cursor = afterSequence;
    long base = entry.base;
    while (older != null && cursor < base && out.size() < limit) {
      List<PlanEvent> page = older.read(planId, cursor, Math.min(base, cursor + (limit - out.size())));
      if (page.isEmpty()) {
        throw new IllegalStateException("plan " + planId + ": the journal returned no events after " + cursor
            + " though memory starts after " + base + "; was the plan compacted?");
      }
      out.addAll(page.subList(0, Math.min(page.size(), limit - out.size())));
      cursor = out.get(out.size() - 1).getSequence();
    }
    if (out.size() < limit) {
      AppendOnlyLog<PlanEvent> events = entry.events;
      int size = events.size();
      int from = (int) Math.max(0, Math.min(cursor - base, size));
      out.addAll(events.copy(from, (int) Math.min(size, (long) from + limit - out.size())));
    }
    return List.copyOf(out);
  }

  private List<PlanEvent> readOlder(String planId, PlanLog entry, long afterSequence) {
    if (afterSequence >= entry.base || older == null) {
      return List.of();
    }
    List<PlanEvent> out = new ArrayList<>();
    long cursor = afterSequence;
    while (cursor < entry.base) {
      List<PlanEvent> page = older.read(planId, cursor, entry.base);
      if (page.isEmpty()) {
        throw new IllegalStateException("plan " + planId + ": the journal returned no events after " + cursor
            + " though memory starts after " + entry.base + "; was the plan compacted?");
      }
      out.addAll(page);
      cursor = page.get(page.size() - 1).getSequence();
    }
    return out;
  }

  @Override
  public Subscription subscribe(String planId, long afterSequence, Listener listener) {
    PlanLog entry = plans.get(planId);
    if (entry == null) {
      throw new IllegalArgumentException("unknown plan: " + planId);
    }
    Sub sub = new Sub(this, planId, entry, afterSequence, listener);
    entry.subscribers.add(sub);
    sub.pump();
    return sub;
  }

  /**
   * The journal committed the plan's events up to {@code sequence}: subscribers may now see them.
   * Called by the journal's one writer thread, which then delivers to subscribers on that thread.
   * Takes no lock: an appender may be holding the plan's lock while it waits for room in the
   * writer's queue.
   */
  public void markDurable(String planId, long sequence) {
    PlanLog entry = plans.get(planId);
    if (entry == null) {
      return;
    }
    entry.visible = Math.max(entry.visible, Math.min(sequence, entry.last()));
    entry.pumpAll();
  }

  /**
   * Puts back a plan read from a journal: its status at a snapshot (or null to start from the
   * first event) and the events after it, all durable. Replaces what memory held of the plan.
   *
   * @throws IllegalStateException when the events do not follow the snapshot without a gap
   */
  public void restore(PlanStatus snapshot, List<PlanEvent> tail) {
    String planId = snapshot != null ? snapshot.getPlanId() : tail.isEmpty() ? "" : tail.get(0).getPlanId();
    if (planId.isEmpty()) {
      throw new IllegalArgumentException("restore needs a snapshot or at least the plan's first event");
    }
    PlanLog entry = new PlanLog(snapshot == null ? 0 : snapshot.getLastSequence());
    if (snapshot != null) {
      entry.status = PlanReducer.resume(snapshot);
    }
    for (PlanEvent e : tail) {
      if (e.getSequence() != entry.last() + 1) {
        throw new IllegalStateException("plan " + planId + ": event " + e.getSequence() + " does not follow "
            + entry.last() + " (a gap in the journal)");
      }
      if (entry.status == null) {
        entry.status = PlanReducer.start(e);
      } else {
        PlanReducer.applyTo(entry.status, e);
      }
      entry.events.add(e);
    }
    entry.visible = entry.last();
    PlanLog before = plans.put(planId, entry);
    if (before != null) {
      // Subscribers of the replaced log move over: their cursors are sequences, valid in both.
      for (Sub sub : before.subscribers) {
        sub.moveTo(entry);
      }
      entry.pumpAll();
    }
  }

  /**
   * Applies an event read from the journal (a standby following the leader): it must be the plan's
   * next one ({@code PlanAccepted} for an unknown plan) and is durable at once.
   *
   * @return false when it is not the next one (a gap: the caller reloads the plan); true when
   *     applied or already held
   */
  public boolean applyDurable(PlanEvent event) {
    String planId = event.getPlanId();
    PlanLog entry = plans.get(planId);
    if (entry == null) {
      if (!event.hasPlanAccepted() || event.getSequence() != 1) {
        return false;
      }
      restore(null, List.of(event));
      return true;
    }
    synchronized (entry) {
      long last = entry.last();
      if (event.getSequence() <= last) {
        return true;
      }
      if (event.getSequence() != last + 1 || entry.status == null) {
        return false;
      }
      PlanReducer.applyTo(entry.status, event);
      entry.events.add(event);
      entry.visible = event.getSequence();
    }
    entry.pumpAll();
    return true;
  }

  /** The sequence of the plan's newest event, durable or not; empty for an unknown plan. */
  public OptionalLong lastSequence(String planId) {
    PlanLog entry = plans.get(planId);
    if (entry == null) {
      return OptionalLong.empty();
    }
    synchronized (entry) {
      return OptionalLong.of(entry.last());
    }
  }

  /** Drops a plan from memory (compacted out of the journal); its subscribers hear nothing more. */
  public void forget(String planId) {
    plans.remove(planId);
  }

  @Override
  public Optional<PlanStatus> status(String planId) {
    PlanLog entry = plans.get(planId);
    if (entry == null) {
      return Optional.empty();
    }
    synchronized (entry) {
      return entry.status == null ? Optional.empty() : Optional.of(entry.status.snapshot());
    }
  }

  @Override
  public Optional<TaskStatus> task(String planId, String taskId) {
    PlanLog entry = plans.get(planId);
    if (entry == null) {
      return Optional.empty();
    }
    synchronized (entry) {
      return entry.status == null ? Optional.empty() : Optional.ofNullable(entry.status.task(taskId));
    }
  }

  @Override
  public Optional<dev.baton.v1.Usage> usage(String planId) {
    PlanLog entry = plans.get(planId);
    if (entry == null) {
      return Optional.empty();
    }
    synchronized (entry) {
      return entry.status == null ? Optional.empty() : Optional.of(entry.status.usage());
    }
  }

  @Override
  public List<PlanStatus> list() {
    List<PlanStatus> all = new ArrayList<>();
    for (String id : plans.keySet()) {
      status(id).ifPresent(all::add);
    }
    all.sort(
        Comparator.comparing((PlanStatus s) -> s.getSubmittedAt().getSeconds())
            .thenComparing(s -> s.getSubmittedAt().getNanos())
            .thenComparing(PlanStatus::getPlanId)
            .reversed());
    return all;
  }

  private static final class PlanLog {
    /** Sequence of the event before the first one held: 0, or a restored snapshot's. */
    final long base;
    /** Appended under the log's lock; iterated and copied without it. */
    final AppendOnlyLog<PlanEvent> events = new AppendOnlyLog<>();
    final List<Sub> subscribers = new CopyOnWriteArrayList<>();
    /** The status folded in place; its immutable snapshot is built on demand (under the log's lock). */
    PlanReducer.Mutable status;
    /** Subscribers see events up to this sequence (durable ones, in a journal's view). */
    volatile long visible;

    PlanLog(long base) {
      this.base = base;
      this.visible = base;
    }

    long last() {
      return base + events.size();
    }

    void pumpAll() {
      for (Sub sub : subscribers) {
        sub.pump();
      }
    }
  }

  /**
   * One subscriber's cursor. Whoever calls {@link #pump} while another thread is delivering leaves
   * a note ({@code again}) instead of delivering concurrently, so the listener sees one event at a
   * time and in order.
   */
  private static final class Sub implements Subscription {
    private final InMemoryPlanStore store;
    private final String planId;
    private volatile PlanLog planLog;
    private final Listener listener;
    private final AtomicLong cursor;
    private final AtomicBoolean delivering = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean closed;

    Sub(InMemoryPlanStore store, String planId, PlanLog log, long afterSequence, Listener listener) {
      this.store = store;
      this.planId = planId;
      this.planLog = log;
      this.listener = listener;
      this.cursor = new AtomicLong(Math.max(0, afterSequence));
    }

    void moveTo(PlanLog log) {
      planLog = log;
      log.subscribers.add(this);
    }

    void pump() {
      again.set(true);
      while (again.get() && !closed) {
        if (!delivering.compareAndSet(false, true)) {
          return; // the delivering thread sees again=true and loops
        }
        try {
          again.set(false);
          PlanLog log = planLog;
          if (cursor.get() < log.base) {
            // Replay of events before a restored snapshot: from the journal, on the subscribing thread.
            for (PlanEvent e : store.readOlder(planId, log, cursor.get())) {
              if (!deliver(e)) {
                return;
              }
            }
          }
          AppendOnlyLog<PlanEvent> events = log.events;
          while (!closed && cursor.get() < log.visible) {
            if (!deliver(events.get((int) (cursor.get() - log.base)))) {
              return;
            }
          }
        } finally {
          delivering.set(false);
        }
      }
    }

    private boolean deliver(PlanEvent e) {
      if (closed) {
        return false;
      }
      cursor.set(e.getSequence());
      try {
        listener.onEvent(e);
        return true;
      } catch (RuntimeException ex) {
        // A broken listener must not fail the append that woke it: it loses its subscription.
        log.warn("plan event listener failed; unsubscribing it", ex);
        close();
        return false;
      }
    }

    @Override
    public void close() {
      closed = true;
      planLog.subscribers.remove(this);
    }
  }
}
