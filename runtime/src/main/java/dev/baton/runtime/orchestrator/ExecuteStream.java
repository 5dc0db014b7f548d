package dev.baton.runtime.orchestrator;

import dev.baton.runtime.execution.ExecutionManager;
import dev.baton.runtime.execution.ExecutionWatcher;
import dev.baton.runtime.server.StatusMapping;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.ExecuteAccepted;
import dev.baton.v1.ExecuteRejected;
import dev.baton.v1.ExecuteRequest;
import dev.baton.v1.ExecuteResponse;
import dev.baton.v1.ExecutionUpdate;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One Execute stream on the server: each delegate is admitted exactly as Delegate is and answered
 * (accepted or rejected with Delegate's status), then the execution's updates follow as
 * WatchExecution's would; a watch re-attaches to a known execution. Many executions share the
 * stream; {@link ExecuteOutbox} keeps each one's updates in order and respects flow control.
 *
 * <p>When the stream ends, forwarding stops but no execution is cancelled: the master re-attaches
 * on its next stream. When the client half-closes, the stream completes after the last execution it
 * follows has sent its terminal update.
 */
final class ExecuteStream implements StreamObserver<ExecuteRequest> {
  private final ExecutionManager manager;
  private final Function<DelegateRequest, DelegateResponse> admit;
  private final ExecuteOutbox out;
  /** The executions this stream forwards, by id. */
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  private volatile boolean ended;
  private volatile boolean halfClosed;

  private ExecuteStream(ExecutionManager manager, Function<DelegateRequest, DelegateResponse> admit,
      ServerCallStreamObserver<ExecuteResponse> call) {
    this.manager = manager;
    this.admit = admit;
    this.out = new ExecuteOutbox(call);
  }

  /**
   * Wires a new stream: reading is driven by the outbox (manual flow control), and a cancelled
   * call stops every subscription.
   *
   * @param admit Delegate's own admission, so both paths answer alike
   */
  static ExecuteStream open(ExecutionManager manager, Function<DelegateRequest, DelegateResponse> admit,
      ServerCallStreamObserver<ExecuteResponse> call) {
    ExecuteStream stream = new ExecuteStream(manager, admit, call);
    call.disableAutoRequest();
    call.setOnReadyHandler(stream.out::onReady);
    call.setOnCancelHandler(stream::end);
    return stream;
  }

  /** Updates waiting for the client; 0 once the stream ended (nothing more can be written). */
  int queued() {
    return ended ? 0 : out.queued();
  }

  boolean ended() {
    return ended;
  }

  @Override
  public void onNext(ExecuteRequest request) {
    try {
      switch (request.getKindCase()) {
        case DELEGATE -> delegate(request.getCallId(), request.getDelegate());
        case WATCH -> watch(request.getCallId(), request.getWatch().getExecutionId());
        default -> reject(request.getCallId(), Status.INVALID_ARGUMENT.withDescription(
            "kind: not set (expected: delegate or watch)"));
      }
    } finally {
      out.requestNext();
    }
  }

  @Override
  public void onError(Throwable t) {
    end();
  }

  @Override
  public void onCompleted() {
    halfClosed = true;
    completeIfIdle();
  }

  private void delegate(long callId, DelegateRequest request) {
    DelegateResponse accepted;
    try {
      accepted = admit.apply(request);
    } catch (RuntimeException e) {
      reject(callId, StatusMapping.toStatus(e));
      return;
    }
    out.answer(ExecuteResponse.newBuilder()
        .setAccepted(ExecuteAccepted.newBuilder().setCallId(callId).setResponse(accepted))
        .build());
    try {
      follow(accepted.getExecutionId());
    } catch (RuntimeException e) {
      // Pruned between admission and watch (retention): tell the client as WatchExecution would.
      reject(callId, StatusMapping.toStatus(e));
    }
  }

  private void watch(long callId, String executionId) {
    try {
      follow(executionId);
    } catch (RuntimeException e) {
      reject(callId, StatusMapping.toStatus(e));
    }
  }

  private void reject(long callId, Status status) {
    out.answer(ExecuteResponse.newBuilder()
        .setRejected(ExecuteRejected.newBuilder().setCallId(callId).setCode(status.getCode().value())
            .setMessage(status.getDescription() == null ? status.getCode().name() : status.getDescription()))
        .build());
  }

  /**
   * Forwards the execution's updates, the current one first. A second follow of the same execution
   * (a re-sent delegate) replaces the first, so the client hears each update once.
   */
  private void follow(String executionId) {
    if (ended) {
      return;
    }
    Subscription sub = new Subscription(executionId);
    Subscription previous = subscriptions.put(executionId, sub);
    if (previous != null) {
      previous.cancel();
    }
    try {
      // The manager calls the watcher under its lock, so updates reach the outbox in order.
      sub.setUnsubscribe(manager.watch(executionId, sub));
    } catch (RuntimeException e) {
      subscriptions.remove(executionId, sub);
      throw e;
    }
    if (ended) {
      sub.cancel();
    }
  }

  private void end() {
    ended = true;
    out.close();
    for (Subscription sub : subscriptions.values()) {
      sub.cancel();
    }
    subscriptions.clear();
  }

  private void completeIfIdle() {
    if (halfClosed && !ended && subscriptions.isEmpty()) {
      out.complete();
    }
  }

  private final class Subscription implements ExecutionWatcher {
    private final String executionId;
    private volatile boolean cancelled;
    private Runnable unsubscribe;

    Subscription(String executionId) {
      this.executionId = executionId;
    }

    @Override
    public void onUpdate(ExecutionUpdate update) {
      if (!cancelled) {
        out.update(update);
      }
    }

    @Override
    public void onEnd() {
      if (subscriptions.remove(executionId, this)) {
        completeIfIdle();
      }
    }

    synchronized void setUnsubscribe(Runnable r) {
      unsubscribe = r;
      if (cancelled) {
        r.run();
      }
    }

    void cancel() {
      Runnable r;
      synchronized (this) {
        cancelled = true;
        r = unsubscribe;
      }
      if (r != null) {
        r.run();
      }
    }
  }
}
