package dev.baton.master.delegation;

import dev.baton.master.resilience.RetryRules;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.ExecuteRejected;
import dev.baton.v1.ExecuteRequest;
import dev.baton.v1.ExecuteResponse;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.SubOrchestratorGrpc;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's one Execute stream to one instance: it carries every delegation to the instance
 * (matched to its answer by call id) and every update of the executions they started (matched by
 * execution id).
 *
 * <p>One periodic check per stream replaces a timer per call and per watch: it fails acceptances
 * past {@code callDeadline} (a try that may be repeated, as a unary deadline would), ends watches
 * past their deadline, and while attempts are outstanding and nothing arrived for
 * {@code watchIdleTimeout} it probes the instance with Describe, as many probes at once as
 * attempts wait (at most a breaker window), so a hung instance is caught as fast as it was with
 * one watch per task. A broken stream is never reused: attempts awaiting an answer fail their try
 * (and are retried on a new stream where {@link RetryRules} allows), watching ones lose their watch.
 */
final class InstanceStream implements ClientResponseObserver<ExecuteRequest, ExecuteResponse> {
  private static final Logger log = LoggerFactory.getLogger(InstanceStream.class);
  /** A stream with nothing outstanding and nothing heard for this long is closed (ms); the next delegation opens a new one. */
  static final long CLOSE_WHEN_UNUSED_MILLIS = 60_000;

  final Delegator.Target target;
  private final Delegator owner;
  private final Object lock = new Object();
  /** Requests written while the transport was not ready, in order. */
  private final ArrayDeque<ExecuteRequest> unsent = new ArrayDeque<>();
  private final Map<Long, StreamedAttempt> awaiting = new HashMap<>();
  private final Map<String, StreamedAttempt> watching = new HashMap<>();
  private ClientCallStreamObserver<ExecuteRequest> call;
  private boolean broken;
  private ScheduledFuture<?> check;
  private int probesInFlight;
  private long nextProbeAt;
  /** Last time anything arrived on this stream (ms of the delegator's clock). */
  private volatile long lastHeard;

  InstanceStream(Delegator owner, Delegator.Target target) {
    this.owner = owner;
    this.target = target;
  }

  /** Opens the call and starts the periodic check; throws when there is no channel to the address. */
  void open() {
    lastHeard = owner.clock.millis();
    // Responses are handled on the transport's thread: the handling only takes this stream's lock
    // and posts to the scheduler, and a hop to an executor per message costs more than the message.
    SubOrchestratorGrpc.newStub(owner.channels.channel(target.address()))
        .withExecutor(MoreExecutors.directExecutor())
        .execute(this);
    long every = Math.max(5, Math.min(100,
        Math.min(owner.config.callDeadline().toMillis(), owner.config.watchIdleTimeout().toMillis()) / 4));
    ScheduledFuture<?> f = owner.timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    synchronized (lock) {
      if (broken) {
        f.cancel(false);
      } else {
        check = f;
      }
    }
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ExecuteRequest> requestStream) {
    call = requestStream;
    requestStream.setOnReadyHandler(this::drain);
  }

  /** Ends the call (the master stands down): its attempts' watches are lost, their work goes on. */
  void close(String why) {
    ClientCallStreamObserver<ExecuteRequest> c;
    synchronized (lock) {
      c = call;
    }
    if (c != null) {
      c.cancel(why, null);
    }
  }

  boolean isBroken() {
    synchronized (lock) {
      return broken;
    }
  }

  /**
   * Sends a delegate for the attempt; false when the stream broke meanwhile (the caller opens a
   * new one). The answer must come within {@code acceptBy} (ms of the delegator's clock).
   */
  boolean delegate(StreamedAttempt attempt, long callId, long acceptBy) {
    ExecuteRequest request = ExecuteRequest.newBuilder().setCallId(callId)
        .setDelegate(DelegateRequest.newBuilder().setPackage(attempt.pkg).putAllTraceContext(attempt.traceContext)).build();
    synchronized (lock) {
      if (broken) {
        return false;
      }
      attempt.acceptBy = acceptBy;
      awaiting.put(callId, attempt);
      // Writes happen under the lock: a call's request side is not thread-safe.
      if (unsent.isEmpty() && call.isReady()) {
        call.onNext(request);
      } else {
        unsent.addLast(request);
      }
    }
    return true;
  }

  /**
   * Stops following the attempt's execution on this stream; the work goes on. An answer still
   * awaited is kept: its outcome is recorded on the breaker and the listener hears onAccepted (and
   * may cancel the work), as with a unary Delegate in flight.
   */
  void forget(StreamedAttempt attempt) {
    synchronized (lock) {
      String id = attempt.executionId;
      if (id != null && watching.get(id) == attempt) {
        watching.remove(id);
      }
    }
  }

  private void drain() {
    synchronized (lock) {
      while (!unsent.isEmpty() && !broken && call.isReady()) {
        call.onNext(unsent.pollFirst());
      }
    }
  }

  @Override
  public void onNext(ExecuteResponse response) {
    lastHeard = owner.clock.millis();
    switch (response.getKindCase()) {
      case ACCEPTED -> accepted(response.getAccepted().getCallId(), response.getAccepted().getResponse());
      case REJECTED -> rejected(response.getRejected());
      case UPDATE -> update(response.getUpdate());
      default -> log.debug("ignoring an empty Execute response from {}", target.instanceId());
    }
  }

  private void accepted(long callId, DelegateResponse response) {
    StreamedAttempt a;
    synchronized (lock) {
      a = awaiting.remove(callId);
      if (a == null) {
        return; // its try timed out; the retry gets its own answer
      }
      a.executionId = response.getExecutionId();
      if (!a.isStopped()) {
        a.watchUntil = owner.clock.millis() + a.watchDeadline.toMillis();
        // A second attempt on the same execution (rare: a re-attach while the first still
        // follows) takes over; the first hears nothing more, as if stopped.
        watching.put(response.getExecutionId(), a);
      }
    }
    a.accepted(response);
  }

  private void rejected(ExecuteRejected rejected) {
    StreamedAttempt a;
    synchronized (lock) {
      a = awaiting.remove(rejected.getCallId());
    }
    if (a != null) {
      a.tryFailed(Status.fromCodeValue(rejected.getCode()).withDescription(rejected.getMessage()));
    }
  }

  private void update(ExecutionUpdate update) {
    StreamedAttempt a;
    synchronized (lock) {
      a = watching.get(update.getExecutionId());
      if (a == null) {
        return; // an execution no longer followed here
      }
      if (Delegator.isTerminal(update.getState())) {
        watching.remove(update.getExecutionId());
      }
    }
    a.update(update);
  }

  @Override
  public void onError(Throwable t) {
    broke(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    broke(Status.UNAVAILABLE.withDescription("the Execute stream ended"));
  }

  private void broke(Status status) {
    List<StreamedAttempt> answerless;
    List<StreamedAttempt> watched;
    synchronized (lock) {
      if (broken) {
        return;
      }
      broken = true;
      unsent.clear();
      answerless = new ArrayList<>(awaiting.values());
      watched = new ArrayList<>(watching.values());
      awaiting.clear();
      watching.clear();
      if (check != null) {
        check.cancel(false);
      }
    }
    owner.forget(this);
    if (!answerless.isEmpty() || !watched.isEmpty()) {
      log.debug("Execute stream to {} broke with {} attempt(s) outstanding: {}", target.instanceId(),
          answerless.size() + watched.size(), status);
    }
    String cause = status.getCode() + (status.getDescription() == null ? "" : " " + status.getDescription());
    for (StreamedAttempt a : watched) {
      a.watchLost(Status.fromCode(status.getCode()).withDescription(
          "watch of " + a.executionId + " on " + target.instanceId() + " broke: " + cause));
    }
    for (StreamedAttempt a : answerless) {
      a.tryFailed(status);
    }
  }

  /** The periodic check: acceptance deadlines, watch deadlines, then silence. */
  private void check() {
    long now = owner.clock.millis();
    List<StreamedAttempt> unanswered = null;
    List<StreamedAttempt> overdue = null;
    int probes = 0;
    synchronized (lock) {
      if (broken) {
        return;
      }
      if (awaiting.isEmpty() && watching.isEmpty() && now - lastHeard >= CLOSE_WHEN_UNUSED_MILLIS) {
        // Unused (the instance may be long gone): half-close; nothing can be lost, nothing is sent any more.
        broken = true;
        if (check != null) {
          check.cancel(false);
        }
        owner.forget(this);
        call.onCompleted();
        return;
      }
      for (Iterator<StreamedAttempt> it = awaiting.values().iterator(); it.hasNext(); ) {
        StreamedAttempt a = it.next();
        if (now >= a.acceptBy) {
          it.remove();
          (unanswered == null ? unanswered = new ArrayList<>() : unanswered).add(a);
        }
      }
      for (Iterator<StreamedAttempt> it = watching.values().iterator(); it.hasNext(); ) {
        StreamedAttempt a = it.next();
        if (now >= a.watchUntil) {
          it.remove();
          (overdue == null ? overdue = new ArrayList<>() : overdue).add(a);
        }
      }
      long idle = owner.config.watchIdleTimeout().toMillis();
      long quiet = now - Math.max(lastHeard, owner.lastHeard(target.instanceId()));
      if (!watching.isEmpty() && quiet >= idle && probesInFlight == 0 && now >= nextProbeAt
          && !owner.breakers.isOpen(target.instanceId())) {
        // Silence proves nothing by itself (progress is sparse): ask the instance directly, once
        // per waiting attempt as separate watches would have, so a hung instance fills the window.
        probes = Math.min(watching.size(), owner.config.slidingWindowSize());
        probesInFlight = probes;
      }
    }
    if (unanswered != null) {
      for (StreamedAttempt a : unanswered) {
        a.tryFailed(Status.DEADLINE_EXCEEDED.withDescription(
            "no answer on the Execute stream within " + owner.config.callDeadline().toMillis() + " ms"));
      }
    }
    if (overdue != null) {
      for (StreamedAttempt a : overdue) {
        a.watchLost(Status.DEADLINE_EXCEEDED.withDescription("watch of " + a.executionId + " on "
            + target.instanceId() + " broke: DEADLINE_EXCEEDED watch deadline of " + a.watchDeadline + " passed"));
      }
    }
    for (int i = 0; i < probes; i++) {
      owner.probe(target, alive -> {
        synchronized (lock) {
          probesInFlight--;
          if (!alive) {
            nextProbeAt = owner.clock.millis() + RetryRules.backoff(owner.config, 2, owner.random).toMillis();
          }
        }
      });
    }
  }
}
