package dev.baton.master;

import dev.baton.master.events.PlanStore;
import dev.baton.master.journal.JournalPlanStore;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.Usage;
import java.util.List;
import java.util.Optional;

/**
 * The journal store a master uses now. A store that led and was fenced (or lost its leadership)
 * is done; the master follows the journal again on a fresh one, swapped in here, so the engine,
 * the services and the dashboard keep one reference. Subscriptions stay on the store they were
 * made on and end with it (a watcher resumes from its last sequence).
 */
final class CurrentStore implements PlanStore {
  private volatile JournalPlanStore store;

  CurrentStore(JournalPlanStore store) {
    this.store = store;
  }

  JournalPlanStore get() {
    return store;
  }

  /** Puts {@code next} in place; returns the store it replaces. */
  JournalPlanStore swap(JournalPlanStore next) {
    JournalPlanStore old = store;
    store = next;
    return old;
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
  public Subscription subscribe(String planId, long afterSequence, Listener listener) {
    return store.subscribe(planId, afterSequence, listener);
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
