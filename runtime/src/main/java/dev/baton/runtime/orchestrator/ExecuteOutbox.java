package dev.baton.runtime.orchestrator;

import dev.baton.v1.ExecuteResponse;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The sending side of one Execute stream: a queue that writes only while the client reads, from
 * whichever thread has something to send (no executor hop per message), one writer at a time
 * because a stream observer is not thread-safe.
 *
 * <p>Bounded: while the client is slow, an execution's newer non-terminal update replaces the one
 * still queued for it (in its place, so the order per execution holds) and takes over its droid
 * events (up to {@link #MAX_COALESCED_EVENTS}; past it the oldest are left out and the client pages
 * them with ListDroidEvents, seeing the gap in their indices), a terminal update is never
 * dropped, and past {@link #HIGH_WATER} queued messages the stream stops reading requests (so the
 * answers to them cannot pile up) until the queue is down to {@link #LOW_WATER}.
 */
final class ExecuteOutbox {
  static final int HIGH_WATER = 1024;
  static final int LOW_WATER = 256;
  static final int MAX_COALESCED_EVENTS = 1_000;

  /** A queued message; mutable so that a newer progress update can take an older one's place. */
  private static final class Slot {
    ExecuteResponse message;
    final String executionId;

    Slot(ExecuteResponse message, String executionId) {
      this.message = message;
      this.executionId = executionId;
    }
  }

  private final ServerCallStreamObserver<ExecuteResponse> stream;
  private final Object lock = new Object();
  private final ArrayDeque<Slot> queue = new ArrayDeque<>();
  /** The queued, not yet written non-terminal update of each execution. */
  private final Map<String, Slot> progress = new HashMap<>();
  private boolean draining;
  private boolean closed;
  private boolean completing;
  private boolean readingPaused;
  private boolean started;

  ExecuteOutbox(ServerCallStreamObserver<ExecuteResponse> stream) {
    this.stream = stream;
  }

  /** The stream's onReady: the first one starts reading requests; each one resumes writing. */
  void onReady() {
    boolean first;
    synchronized (lock) {
      first = !started;
      started = true;
    }
    if (first) {
      stream.request(1);
    }
    drain();
  }

  /** After a request was handled: reads the next one unless the queue is too long. */
  void requestNext() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (queue.size() >= HIGH_WATER) {
        readingPaused = true;
        return;
      }
    }
    stream.request(1);
  }

  /** Queues an answer to a call (accepted or rejected) and writes what the client can take. */
  void answer(ExecuteResponse message) {
    synchronized (lock) {
      if (closed || completing) {
        return;
      }
      queue.addLast(new Slot(message, null));
    }
    drain();
  }

  /** Queues an execution's update, coalescing non-terminal ones the client has not taken yet. */
  void update(ExecutionUpdate update) {
    boolean terminal = isTerminal(update.getState());
    ExecuteResponse message = ExecuteResponse.newBuilder().setUpdate(update).build();
    synchronized (lock) {
      if (closed || completing) {
        return;
      }
      String id = update.getExecutionId();
      Slot queued = progress.get(id);
      if (queued != null && !terminal) {
        queued.message = coalesce(queued.message.getUpdate(), update);
      } else {
        Slot slot = new Slot(message, id);
        queue.addLast(slot);
        if (terminal) {
          progress.remove(id);
        } else {
          progress.put(id, slot);
        }
      }
    }
    drain();
  }

  /** Ends the stream normally once everything queued is written. */
  void complete() {
    synchronized (lock) {
      if (closed || completing) {
        return;
      }
      completing = true;
    }
    drain();
  }

  /** The stream is gone: drop what is queued and write nothing more. */
  void close() {
    synchronized (lock) {
      closed = true;
      queue.clear();
      progress.clear();
    }
  }

  /** Writes while the client is ready; one writer at a time, the others leave their messages queued. */
  void drain() {
    synchronized (lock) {
      if (draining) {
        return;
      }
      draining = true;
    }
    boolean resumeReading = false;
    try {
      for (;;) {
        ExecuteResponse next;
        boolean end = false;
        synchronized (lock) {
          if (closed || !stream.isReady() || queue.isEmpty() && !completing) {
            draining = false;
            break;
          }
          Slot slot = queue.pollFirst();
          if (slot == null) {
            // completing and nothing left: end the stream, once
            closed = true;
            draining = false;
            next = null;
            end = true;
          } else {
            next = slot.message;
            if (slot.executionId != null && progress.get(slot.executionId) == slot) {
              progress.remove(slot.executionId);
            }
            if (readingPaused && queue.size() <= LOW_WATER) {
              readingPaused = false;
              resumeReading = true;
            }
          }
        }
        if (end) {
          stream.onCompleted();
          break;
        }
        stream.onNext(next);
      }
    } catch (RuntimeException e) {
      // The call was cancelled under us: nothing more can be written.
      close();
      synchronized (lock) {
        draining = false;
      }
      return;
    }
    if (resumeReading) {
      stream.request(1);
    }
  }

  /** The newer update, carrying the droid events of both in order. */
  static ExecuteResponse coalesce(ExecutionUpdate older, ExecutionUpdate newer) {
    if (older.getEventsCount() == 0) {
      return ExecuteResponse.newBuilder().setUpdate(newer).build();
    }
    java.util.List<dev.baton.v1.DroidEvent> events = new java.util.ArrayList<>(older.getEventsList());
    events.addAll(newer.getEventsList());
    if (events.size() > MAX_COALESCED_EVENTS) {
      events = events.subList(events.size() - MAX_COALESCED_EVENTS, events.size());
    }
    return ExecuteResponse.newBuilder()
        .setUpdate(newer.toBuilder().clearEvents().addAllEvents(events))
        .build();
  }

  /** Messages waiting for the client, for tests. */
  int queued() {
    synchronized (lock) {
      return queue.size();
    }
  }

  static boolean isTerminal(ExecutionState state) {
    return state == ExecutionState.EXECUTION_STATE_SUCCEEDED
        || state == ExecutionState.EXECUTION_STATE_FAILED
        || state == ExecutionState.EXECUTION_STATE_CANCELLED;
  }
}
