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
 */
public final class InMemoryPlanStore implements PlanStore {
  private static final Logger log = LoggerFactory.getLogger(InMemoryPlanStore.class);
  private final Clock clock;
  private final Map<String, PlanLog> plans = new ConcurrentHashMap<>();

  public InMemoryPlanStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public PlanEvent append(PlanEvent event) {
    String planId = event.getPlanId();
    if (planId.isEmpty()) {
      throw new IllegalArgumentException("event without plan_id: " + event.getKindCase());
    }
    PlanLog entry;
    if (event.hasPlanAccepted()) {
      entry = new PlanLog();
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
      PlanEvent.Builder b = event.toBuilder().setSequence(entry.events.size() + 1L);
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
    }
    for (Sub sub : entry.subscribers) {
      sub.pump();
    }
    return stored;
  }

  @Override
  public List<PlanEvent> read(String planId, long afterSequence) {
    PlanLog entry = plans.get(planId);
    if (entry == null) {
      return List.of();
    }
    AppendOnlyLog<PlanEvent> events = entry.events;
    int size = events.size();
    int from = (int) Math.max(0, Math.min(afterSequence, size));
    return events.copy(from, size);
  }

  @Override
  public Subscription subscribe(String planId, long afterSequence, Listener listener) {
    PlanLog entry = plans.get(planId);
    if (entry == null) {
      throw new IllegalArgumentException("unknown plan: " + planId);
    }
    Sub sub = new Sub(entry, afterSequence, listener);
    entry.subscribers.add(sub);
    sub.pump();
    return sub;
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
    /** Appended under the log's lock; iterated and copied without it. */
    final AppendOnlyLog<PlanEvent> events = new AppendOnlyLog<>();
    final List<Sub> subscribers = new CopyOnWriteArrayList<>();
    /** The status folded in place; its immutable snapshot is built on demand (under the log's lock). */
    PlanReducer.Mutable status;
  }

  /**
   * One subscriber's cursor. Whoever calls {@link #pump} while another thread is delivering leaves
   * a note ({@code again}) instead of delivering concurrently, so the listener sees one event at a
   * time and in order.
   */
  private static final class Sub implements Subscription {
    private final PlanLog planLog;
    private final Listener listener;
    private final AtomicLong cursor;
    private final AtomicBoolean delivering = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean closed;

    Sub(PlanLog log, long afterSequence, Listener listener) {
      this.planLog = log;
      this.listener = listener;
      this.cursor = new AtomicLong(Math.max(0, afterSequence));
    }

    void pump() {
      again.set(true);
      while (again.get() && !closed) {
        if (!delivering.compareAndSet(false, true)) {
          return; // the delivering thread sees again=true and loops
        }
        try {
          again.set(false);
          AppendOnlyLog<PlanEvent> events = planLog.events;
          while (!closed && cursor.get() < events.size()) {
            PlanEvent e = events.get((int) cursor.get());
            cursor.incrementAndGet();
            try {
              listener.onEvent(e);
            } catch (RuntimeException ex) {
              // A broken listener must not fail the append that woke it: it loses its subscription.
              log.warn("plan event listener failed; unsubscribing it", ex);
              close();
            }
          }
        } finally {
          delivering.set(false);
        }
      }
    }

    @Override
    public void close() {
      closed = true;
      planLog.subscribers.remove(this);
    }
  }
}
