package dev.baton.master.events;

import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskStatus;
import java.util.List;
import java.util.Optional;

/**
 * The only way a plan's state changes: events appended here, each given the next gapless sequence
 * number of its plan and folded into the plan's status by {@link PlanReducer}.
 *
 * <p>The scheduler depends on this interface only, so a durable journal can replace the in-memory
 * store without touching it. Events are the journal format ({@code baton.v1.PlanEvent}).
 */
public interface PlanStore {

  /**
   * Appends an event to its plan. The store assigns the sequence and, when the event carries none,
   * the time. A {@code PlanAccepted} event creates the plan and must come first; nothing may follow
   * {@code PlanFinished}.
   *
   * @return the event as stored
   * @throws IllegalStateException when the event does not fit the plan's history
   */
  PlanEvent append(PlanEvent event);

  /** Events of the plan with a sequence greater than {@code afterSequence}, in order. */
  List<PlanEvent> read(String planId, long afterSequence);

  /**
   * The first {@code limit} events of {@link #read(String, long)}: what a reader that pages (a
   * watcher honouring flow control) asks, so that each page costs its own size, not the rest of
   * the plan's history. Stores that keep many events override it.
   */
  default List<PlanEvent> read(String planId, long afterSequence, int limit) {
    List<PlanEvent> all = read(planId, afterSequence);
    return all.size() <= limit ? all : all.subList(0, Math.max(0, limit));
  }

  /**
   * Delivers the plan's events after {@code afterSequence} to the listener, first those already
   * stored and then each new one, in order, without gaps or duplicates between the two. The listener
   * runs on the appending thread (or the subscribing one during replay) and must be quick.
   */
  Subscription subscribe(String planId, long afterSequence, Listener listener);

  /** The plan's status as its events made it, or empty for an unknown plan. */
  Optional<PlanStatus> status(String planId);

  /**
   * One task's status as the plan's events made it, or empty for an unknown plan or task. Stores
   * that keep the status in place answer without building a whole {@link PlanStatus} snapshot.
   */
  default Optional<TaskStatus> task(String planId, String taskId) {
    return status(planId).flatMap(st -> st.getTasksList().stream().filter(ts -> ts.getId().equals(taskId)).findFirst());
  }
  /**
   * What the plan's droids have spent so far (its status's usage), read without building the
   * whole status where the store can: the engine checks it on every droid report.
   */
  default Optional<dev.baton.v1.Usage> usage(String planId) {
    return status(planId).map(PlanStatus::getUsage);
  }


  /**
   * Runs {@code action} once every event appended so far is durable: the engine's outbox. Side
   * effects an event stands for (a Delegate after TaskDelegated, a sync release after
   * SyncPointReleased) go through here, so a master that dies can never have acted on an event its
   * successor does not find in the journal. Stores in memory run it at once on the calling thread;
   * a journal runs it on its writer's thread after the commit that covers those events (group
   * commit: one fsync for many events), and never when the commit failed or was fenced.
   */
  default void afterDurable(Runnable action) {
    action.run();
  }

  /** True when appends outlive the process (a journal): the engine then sends side effects through {@link #afterDurable}. */
  default boolean durable() {
    return false;
  }

  /** Every plan's status, newest submission first. */
  List<PlanStatus> list();

  /** Receives a plan's events. */
  @FunctionalInterface
  interface Listener {
    void onEvent(PlanEvent event);
  }

  /** Stops a subscription; idempotent. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
