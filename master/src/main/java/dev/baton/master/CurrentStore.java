package dev.baton.master;

import dev.baton.master.events.PlanStore;
import dev.baton.master.journal.JournalPlanStore;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.Usage;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The journal store a master uses now. A store that led and was fenced (or lost its leadership)
 * is done; the master follows the journal again on a fresh one, swapped in here, so the engine,
 * the services and the dashboard keep one reference. Subscriptions (WatchPlan's) move with it: each
 * is made again on the new store after the last event it delivered, so a watcher of a master that
 * steps down goes on receiving the plan's events, from the journal, without a gap or a repeat.
 *
 * <p>Threads: {@link #swap} on the leadership's thread, after the old store was closed (it delivers
 * nothing more); listeners are called on the current store's writer or follower thread.
 */
final class CurrentStore implements PlanStore {
  private volatile JournalPlanStore store;
  private final Set<Moving> subscriptions = ConcurrentHashMap.newKeySet();

  CurrentStore(JournalPlanStore store) {
    this.store = store;
  }

  JournalPlanStore get() {
    return store;
  }

  /** Puts {@code next} in place and moves every live subscription onto it; returns the store it replaces. */
  JournalPlanStore swap(JournalPlanStore next) {
    JournalPlanStore old = store;
    store = next;
    for (Moving m : subscriptions) {
      m.move();
    }
    return old;
  }

  /** A subscription that follows the current store: it remembers the last sequence it delivered. */
  private final class Moving implements Subscription {
    private final String planId;
    private final Listener listener;
    private volatile long last;
    private volatile Subscription inner;
    private volatile boolean closed;

    Moving(String planId, long afterSequence, Listener listener) {
      this.planId = planId;
      this.listener = listener;
      this.last = afterSequence;
    }

    private void deliver(PlanEvent e) {
      if (e.getSequence() > last) { // never twice, whichever store delivers it
        last = e.getSequence();
        listener.onEvent(e);
      }
    }

    /** (Re)subscribes on the current store, after the last event delivered; whoever calls last sees the newest store. */
    synchronized void move() {
      if (closed) {
        return;
      }
      Subscription old = inner;
      if (old != null) {
        old.close();
      }
      inner = store.subscribe(planId, last, this::deliver);
    }

    @Override
    public synchronized void close() {
      closed = true;
      subscriptions.remove(this);
      if (inner != null) {
        inner.close();
      }
    }
  }

  @Override
  public PlanEvent append(PlanEvent event) {
    return store.append(event);
  }

  @Override
  public List<PlanEvent> read(String planId, long afterSequence) {
    return store.read(planId, afterSequence);
  }

  @Override
  public List<PlanEvent> read(String planId, long afterSequence, int limit) {
    return store.read(planId, afterSequence, limit);
  }

  @Override
  public Subscription subscribe(String planId, long afterSequence, Listener listener) {
    Moving m = new Moving(planId, afterSequence, listener);
    subscriptions.add(m);
    m.move();
    return m;
  }

  @Override
  public Optional<PlanStatus> status(String planId) {
    return store.status(planId);
  }

  @Override
  public Optional<TaskStatus> task(String planId, String taskId) {
    return store.task(planId, taskId);
  }

  @Override
  public Optional<Usage> usage(String planId) {
    return store.usage(planId);
  }

  @Override
  public void afterDurable(Runnable action) {
    store.afterDurable(action);
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public List<PlanStatus> list() {
    return store.list();
  }
}
