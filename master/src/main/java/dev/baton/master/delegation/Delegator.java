package dev.baton.master.delegation;

import dev.baton.v1.CancelExecutionRequest;
import dev.baton.v1.CancelExecutionResponse;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.WatchExecutionRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delegates a task to an instance and follows it: Delegate (retried on UNAVAILABLE or a missed
 * deadline, which is safe because Delegate is idempotent on task id and attempt), then
 * WatchExecution until the terminal update.
 */
public final class Delegator {
  private static final Logger log = LoggerFactory.getLogger(Delegator.class);
  private static final int DELEGATE_TRIES = 3;

  private final ChannelPool channels;
  private final Duration callDeadline;
  private final ScheduledExecutorService timer;

  /**
   * @param callDeadline deadline of each unary call (Delegate, CancelExecution)
   * @param timer runs the short pauses between Delegate tries
   */
  public Delegator(ChannelPool channels, Duration callDeadline, ScheduledExecutorService timer) {
    this.channels = channels;
    this.callDeadline = callDeadline;
    this.timer = timer;
  }

  /** A running delegation; {@link #stopWatching} ends the watch without cancelling the work. */
  public interface Handle {
    void stopWatching();
  }

  /**
   * Starts the delegation; the listener hears the outcome.
   *
   * @param watchDeadline how long the watch may stay open: past it the attempt counts as failed
   */
  public Handle delegate(String address, DelegationPackage pkg, Duration watchDeadline, ExecutionListener listener) {
    WatchHandle handle = new WatchHandle();
    tryDelegate(address, pkg, watchDeadline, listener, handle, 1);
    return handle;
  }

  private void tryDelegate(String address, DelegationPackage pkg, Duration watchDeadline,
      ExecutionListener listener, WatchHandle handle, int tryNo) {
    if (handle.stopped.get()) {
      return;
    }
    SubOrchestratorGrpc.newStub(channels.channel(address))
        .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
        .delegate(DelegateRequest.newBuilder().setPackage(pkg).build(), new StreamObserver<>() {
          DelegateResponse response;

          @Override
          public void onNext(DelegateResponse value) {
            response = value;
          }

          @Override
          public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            boolean retryable = s.getCode() == Status.Code.UNAVAILABLE
                || s.getCode() == Status.Code.DEADLINE_EXCEEDED;
            if (retryable && tryNo < DELEGATE_TRIES && !handle.stopped.get()) {
              log.debug("Delegate {}#{} to {} failed ({}), try {}", pkg.getTaskId(), pkg.getAttempt(),
                  address, s.getCode(), tryNo + 1);
              timer.schedule(() -> tryDelegate(address, pkg, watchDeadline, listener, handle, tryNo + 1),
                  100L * tryNo, TimeUnit.MILLISECONDS);
            } else {
              listener.onError(s.withDescription("Delegate to " + address + " failed: "
                  + s.getCode() + (s.getDescription() == null ? "" : " " + s.getDescription())));
            }
          }

          @Override
          public void onCompleted() {
            listener.onAccepted(response);
            watch(address, response, watchDeadline, listener, handle);
          }
        });
  }

  private void watch(String address, DelegateResponse accepted, Duration watchDeadline,
      ExecutionListener listener, WatchHandle handle) {
    if (handle.stopped.get()) {
      return;
    }
    SubOrchestratorGrpc.newStub(channels.channel(address))
        .withDeadlineAfter(watchDeadline.toMillis(), TimeUnit.MILLISECONDS)
        .watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(accepted.getExecutionId()).build(),
            new ClientResponseObserver<WatchExecutionRequest, ExecutionUpdate>() {
              boolean terminal;

              @Override
              public void beforeStart(ClientCallStreamObserver<WatchExecutionRequest> call) {
                handle.call.set(call);
              }

              @Override
              public void onNext(ExecutionUpdate update) {
                if (terminal) {
                  return;
                }
                terminal = isTerminal(update.getState());
                listener.onUpdate(update);
              }

              @Override
              public void onError(Throwable t) {
                if (!terminal && !handle.stopped.get()) {
                  Status s = Status.fromThrowable(t);
                  listener.onError(s.withDescription("watch of " + accepted.getExecutionId() + " on " + address
                      + " broke: " + s.getCode() + (s.getDescription() == null ? "" : " " + s.getDescription())));
                }
              }

              @Override
              public void onCompleted() {
                if (!terminal && !handle.stopped.get()) {
                  listener.onError(Status.UNAVAILABLE.withDescription("watch of " + accepted.getExecutionId()
                      + " on " + address + " ended without a result"));
                }
              }
            });
  }

  /** Asks the instance to cancel an execution; failures are logged, not thrown (the plan is ending anyway). */
  public void cancel(String address, String executionId, String reason) {
    SubOrchestratorGrpc.newStub(channels.channel(address))
        .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
        .cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(executionId).setReason(reason).build(),
            new StreamObserver<CancelExecutionResponse>() {
              @Override
              public void onNext(CancelExecutionResponse value) {}

              @Override
              public void onError(Throwable t) {
                log.warn("CancelExecution {} on {} failed: {}", executionId, address, Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {}
            });
  }

  static boolean isTerminal(ExecutionState s) {
    return s == ExecutionState.EXECUTION_STATE_SUCCEEDED
        || s == ExecutionState.EXECUTION_STATE_FAILED
        || s == ExecutionState.EXECUTION_STATE_CANCELLED;
  }

  private static final class WatchHandle implements Handle {
    final AtomicBoolean stopped = new AtomicBoolean();
    final AtomicReference<ClientCallStreamObserver<?>> call = new AtomicReference<>();

    @Override
    public void stopWatching() {
      if (stopped.compareAndSet(false, true)) {
        ClientCallStreamObserver<?> c = call.get();
        if (c != null) {
          c.cancel("no longer watched", null);
        }
      }
    }
  }
}
