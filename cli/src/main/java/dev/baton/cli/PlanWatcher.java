package dev.baton.cli;

import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.WatchPlanRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Follows a plan through WatchPlan until it finishes, handing each event to a listener exactly
 * once and in sequence order, across broken streams and masters that go away.
 *
 * <p>When the stream breaks (UNAVAILABLE, CANCELLED or INTERNAL from the server, a deadline, or a
 * connection lost) or ends before the plan finished, it is re-opened after the last sequence seen,
 * on the next master ({@link LeaderFollower}: any master answers reads), within the retry time,
 * which restarts with every event received. An event at or below the last sequence is a replay and
 * dropped. An event past last + 1 means a gap: the stream is cancelled and re-opened after the last
 * sequence, on the next master; only when the same gap comes back from as many opens as there are
 * addresses (at least two) is it taken as final (the journal no longer has those events, e.g.
 * compacted): a warning names the missing sequences and the watch goes on.
 *
 * <p>Runs on the caller's thread; the listener is called on it too.
 */
final class PlanWatcher {
  private final MasterClient client;
  private final Consumer<String> warnings;

  PlanWatcher(MasterClient client, Consumer<String> warnings) {
    this.client = client;
    this.warnings = warnings;
  }

  PlanWatcher(MasterClient client) {
    this(client, line -> {
      System.err.println("baton: " + line);
      System.err.flush();
    });
  }

  static boolean isTerminal(PlanState state) {
    return switch (state) {
      case PLAN_STATE_SUCCEEDED, PLAN_STATE_FAILED, PLAN_STATE_CANCELLED, PLAN_STATE_DEGRADED -> true;
      default -> false;
    };
  }

  /** True when a watch that ended with {@code e} may be re-opened. */
  static boolean isResumable(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case UNAVAILABLE, CANCELLED, INTERNAL, DEADLINE_EXCEEDED, ABORTED -> true;
      default -> false;
    };
  }

  /** Where one watch stands: the last sequence delivered and the gap being confirmed, if any. */
  private static final class Cursor {
    long last;
    boolean finished;
    long gapAfter = -1;
    long gapTo;
    int gapSeen;
  }

  /** A stream sent {@code got} where {@code last + 1} was due. */
  private static final class Gap extends RuntimeException {
    final long got;

    Gap(long got) {
      super(null, null, false, false);
      this.got = got;
    }
  }

  /**
   * Hands every event of the plan, in sequence order and each once, to {@code listener} and returns
   * the plan's final status once it finished.
   *
   * @throws MasterUnreachableException when no master served the watch within the retry time
   */
  PlanStatus follow(String planId, Consumer<PlanEvent> listener) {
    Cursor cursor = new Cursor();
    LeaderFollower.Attempts attempts = client.follower().begin(LeaderFollower.Kind.READ, "WatchPlan");
    int confirmations = Math.max(2, client.follower().addresses().size());
    while (true) {
      try {
        stream(attempts, planId, cursor, listener, confirmations);
        if (cursor.finished) {
          return client.getPlan(planId);
        }
        // The stream ended without the plan finishing (that master is going away, say): ask.
        PlanStatus status = client.getPlan(planId);
        if (isTerminal(status.getState()) && status.getLastSequence() <= cursor.last) {
          return status;
        }
        attempts.failed(Status.UNAVAILABLE.withDescription("the watch ended before the plan finished")
            .asRuntimeException());
      } catch (Gap gap) {
        attempts.failed(Status.DATA_LOSS.withDescription("sent event " + gap.got + " after " + cursor.last)
            .asRuntimeException());
      } catch (StatusRuntimeException e) {
        if (!isResumable(e)) {
          throw e;
        }
        attempts.failed(e);
      }
    }
  }

  /** One stream on the current target, until it ends, breaks or shows a gap. */
  private void stream(LeaderFollower.Attempts attempts, String planId, Cursor cursor, Consumer<PlanEvent> listener,
      int confirmations) {
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      context.run(() -> {
        Iterator<PlanEvent> events = attempts.stub(false)
            .watchPlan(WatchPlanRequest.newBuilder().setPlanId(planId).setAfterSequence(cursor.last).build());
        while (events.hasNext()) {
          PlanEvent event = events.next();
          long seq = event.getSequence();
          if (seq <= cursor.last) {
            continue; // a replay: delivered already
          }
          if (seq > cursor.last + 1 && !confirmedGap(cursor, seq, planId, confirmations)) {
            throw new Gap(seq); // leaving the context cancels the stream
          }
          cursor.last = seq;
          attempts.answered();
          listener.accept(event);
          if (event.hasPlanFinished()) {
            cursor.finished = true;
            return;
          }
        }
      });
    } finally {
      context.cancel(null);
    }
  }

  /** Counts the gap; true once it came back {@code confirmations} times in a row (then warned about). */
  private boolean confirmedGap(Cursor cursor, long seq, String planId, int confirmations) {
    if (cursor.gapAfter == cursor.last && cursor.gapTo == seq) {
      cursor.gapSeen++;
    } else {
      cursor.gapAfter = cursor.last;
      cursor.gapTo = seq;
      cursor.gapSeen = 1;
    }
    if (cursor.gapSeen < confirmations) {
      return false;
    }
    warnings.accept("plan " + planId + ": events " + (cursor.last + 1) + ".." + (seq - 1)
        + " are on no master (" + cursor.gapSeen + " watches agreed); continuing from " + seq);
    return true;
  }
}
