package dev.baton.master.metrics;

import dev.baton.master.events.PlanStore;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.Usage;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's plan store with every appended event shown to an observer after it is stored (the
 * master's {@link PlanEventMeters}): one place sees every event of every plan this master writes,
 * without a subscription per plan. Everything else is the store's own.
 *
 * <p>The observer runs on the appending thread, after the append; a failing observer is logged
 * and never fails the append (metrics must not stop a plan).
 */
public final class ObservedPlanStore implements PlanStore {
  private static final Logger log = LoggerFactory.getLogger(ObservedPlanStore.class);
  private final PlanStore store;
  private final Consumer<PlanEvent> observer;

  public ObservedPlanStore(PlanStore store, Consumer<PlanEvent> observer) {
    this.store = store;
    this.observer = observer;
  }

  @Override
  public PlanEvent append(PlanEvent event) {
    PlanEvent stored = store.append(event);
    try {
      observer.accept(stored);
    } catch (RuntimeException e) {
      log.warn("metrics of plan event {} #{} not recorded", stored.getKindCase(), stored.getSequence(), e);
    }
    return stored;
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
    return store.durable();
  }

  @Override
  public List<PlanStatus> list() {
    return store.list();
  }
}
