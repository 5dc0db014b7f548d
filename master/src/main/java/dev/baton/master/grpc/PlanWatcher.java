package dev.baton.master.grpc;

import dev.baton.master.events.PlanReducer;
import dev.baton.master.events.PlanStore;
import dev.baton.v1.PlanEvent;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams one plan's events to one WatchPlan caller, honouring flow control: it sends only while
 * the transport is ready and otherwise keeps nothing but a cursor, reading from the store on demand,
 * so a slow watcher costs no memory. Ends the call after PlanFinished; unsubscribes on cancel.
 */
final class PlanWatcher {
  /** Most events read from the store at once. */
  static final int PAGE = 256;
  private final PlanStore store;
  private final String planId;
  private final ServerCallStreamObserver<PlanEvent> call;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private volatile long cursor;
  /**
   * The newest sequence the subscription delivered: drain sends nothing past it, since a journal's
   * read() also returns events not yet committed, which a watcher must never see.
   */
  private volatile long delivered;
  private volatile boolean done;
  private volatile PlanStore.Subscription subscription;
  /** Run once when the stream ends, however it ends (gives the caller's stream back to its limit). */
  private final Runnable onEnd;

  PlanWatcher(PlanStore store, String planId, long afterSequence, ServerCallStreamObserver<PlanEvent> call) {
    this(store, planId, afterSequence, call, () -> { });
  }

  PlanWatcher(PlanStore store, String planId, long afterSequence, ServerCallStreamObserver<PlanEvent> call,
      Runnable onEnd) {
    this.onEnd = onEnd;
    this.store = store;
    this.planId = planId;
    this.call = call;
    this.cursor = afterSequence;
  }

  void start() {
    call.setOnCancelHandler(this::stop);
    call.setOnReadyHandler(this::drain);
    boolean finishedBefore = store.status(planId)
        .map(s -> PlanReducer.isFinished(s.getState()) && s.getLastSequence() <= cursor).orElse(false);
    if (finishedBefore) {
      // Resumed after the last event of a finished plan: nothing more will come.
      done = true;
      call.onCompleted();
      onEnd.run();
      return;
    }
    // The listener only signals (and bounds what drain may send): the events themselves are read
    // from the store by drain().
    subscription = store.subscribe(planId, cursor, e -> {
      delivered = Math.max(delivered, e.getSequence());
      drain();
    });
    if (done) {
      subscription.close();
    }
    drain();
  }

  private void drain() {
    again.set(true);
    while (again.get() && !done) {
      if (!draining.compareAndSet(false, true)) {
        return;
      }
      try {
        again.set(false);
        // Pages of at most PAGE events up to what the subscription delivered: a replay calls
        // drain once per stored event, so reading the whole rest of the plan each time would cost
        // the square of its length (a 10,000-task plan's 70,000 events took a minute to start).
        boolean more = true;
        while (more && !done && call.isReady()) {
          int want = (int) Math.min(PAGE, delivered - cursor);
          List<PlanEvent> page = want <= 0 ? List.of() : store.read(planId, cursor, want);
          more = !page.isEmpty();
          for (PlanEvent e : page) {
            if (done || !call.isReady() || e.getSequence() > delivered) {
              more = false;
              break; // onReady will call again
            }
            call.onNext(e);
            cursor = e.getSequence();
            if (e.hasPlanFinished()) {
              done = true;
              call.onCompleted();
              stop();
            }
          }
        }
      } finally {
        draining.set(false);
      }
    }
  }

  private void stop() {
    done = true;
    onEnd.run();
    PlanStore.Subscription s = subscription;
    if (s != null) {
      s.close();
    }
  }
}
