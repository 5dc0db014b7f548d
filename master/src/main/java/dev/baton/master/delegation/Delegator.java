package dev.baton.master.delegation;

import dev.baton.master.resilience.Breakers;
import dev.baton.master.resilience.ResilienceConfig;
import dev.baton.master.resilience.RetryRules;
import dev.baton.v1.CancelExecutionRequest;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DescribeRequest;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.WatchExecutionRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delegates a task to an instance and follows it: Delegate, then WatchExecution until the terminal
 * update. Every unary call (Delegate, CancelExecution, Describe) has a deadline and is retried with
 * backoff and jitter only when {@link RetryRules} says the code is safe; every outcome that says
 * something about the instance goes to its circuit breaker. A watch that stays silent longer than
 * {@code watchIdleTimeout} makes the delegator probe the instance with Describe, so a hung
 * instance is found in seconds, not after the task's own timeout.
 */
public final class Delegator {
  private static final Logger log = LoggerFactory.getLogger(Delegator.class);

  /** Which instance, and where it listens. */
  public record Target(String instanceId, String address) {}

  private final ChannelPool channels;
  private final ResilienceConfig config;
  private final Breakers breakers;
  private final ScheduledExecutorService timer;
  private final Clock clock;
  private final Random random;
  /** Last time each instance answered anything (ms of {@link #clock}): a live watch need not probe. */
  private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();

  /**
   * @param timer runs the pauses between tries and the watches' idle checks
   * @param random jitter of the pauses between tries
   */
  public Delegator(ChannelPool channels, ResilienceConfig config, Breakers breakers,
      ScheduledExecutorService timer, Clock clock, Random random) {
    this.channels = channels;
    this.config = config;
    this.breakers = breakers;
    this.timer = timer;
    this.clock = clock;
    this.random = random;
  }

  /** A running delegation; {@link #stopWatching} ends the watch without cancelling the work. */
  public interface Handle {
    void stopWatching();
  }

  /**
   * Starts the delegation; the listener hears the outcome. The Delegate call's outcome is recorded
   * on the instance's breaker exactly once (the caller holds a permission for it, see
   * {@link Breakers#tryAcquire}); the permission is released when the handle is stopped first.
   *
   * @param watchDeadline how long the watch may stay open: past it the watch counts as lost
   */
  public Handle delegate(Target target, DelegationPackage pkg, Duration watchDeadline, ExecutionListener listener) {
    WatchHandle handle = new WatchHandle();
    long start = clock.millis();
    String what = "Delegate " + pkg.getTaskId() + "#" + pkg.getAttempt();
    this.<DelegateResponse>unary(target, what, true, config.callAttempts(), handle,
        (stub, obs) -> stub.delegate(DelegateRequest.newBuilder().setPackage(pkg).build(), obs),
        response -> {
          listener.onAccepted(response);
          watch(target, response, watchDeadline, listener, handle);
        },
        status -> listener.onDelegateFailed(status),
        () -> breakers.release(target.instanceId()), start);
    return handle;
  }

  /** Asks the instance to cancel an execution, best effort: failures are logged and recorded, not thrown. */
  public void cancel(Target target, String executionId, String reason) {
    this.<dev.baton.v1.CancelExecutionResponse>unary(target, "CancelExecution " + executionId, true,
        config.callAttempts(), null,
        (stub, obs) -> stub.cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(executionId)
            .setReason(reason).build(), obs),
        r -> { },
        s -> log.debug("CancelExecution {} on {} failed: {}", executionId, target.instanceId(), s),
        () -> { }, clock.millis());
  }

  /**
   * Describe with a deadline, tried once: is the instance serving? The outcome also goes to its
   * breaker. Not retried, since a probe is itself the retry of whatever made the instance suspect.
   */
  public void probe(Target target, Consumer<Boolean> alive) {
    this.<dev.baton.v1.DescribeResponse>unary(target, "Describe", true, 1, null,
        (stub, obs) -> stub.describe(DescribeRequest.getDefaultInstance(), obs),
        r -> alive.accept(true),
        s -> alive.accept(false),
        () -> { }, clock.millis());
  }

  /**
   * One unary call with deadline, safe retries and one breaker outcome.
   *
   * @param handle when non-null and stopped before a try, the call is abandoned and {@code abandoned} runs
   */
  private <R> void unary(Target target, String what, boolean idempotent, int tries, WatchHandle handle,
      BiConsumer<SubOrchestratorGrpc.SubOrchestratorStub, StreamObserver<R>> call,
      Consumer<R> ok, Consumer<Status> failed, Runnable abandoned, long start) {
    new UnaryCall<>(target, what, idempotent, tries, handle, call, ok, failed, abandoned, start).attempt(1);
  }

  private final class UnaryCall<R> {
    final Target target;
    final String what;
    final boolean idempotent;
    final int tries;
    final WatchHandle handle;
    final BiConsumer<SubOrchestratorGrpc.SubOrchestratorStub, StreamObserver<R>> call;
    final Consumer<R> ok;
    final Consumer<Status> failed;
    final Runnable abandoned;
    final long start;

    UnaryCall(Target target, String what, boolean idempotent, int tries, WatchHandle handle,
        BiConsumer<SubOrchestratorGrpc.SubOrchestratorStub, StreamObserver<R>> call,
        Consumer<R> ok, Consumer<Status> failed, Runnable abandoned, long start) {
      this.target = target;
      this.what = what;
      this.idempotent = idempotent;
      this.tries = tries;
      this.handle = handle;
      this.call = call;
      this.ok = ok;
      this.failed = failed;
      this.abandoned = abandoned;
      this.start = start;
    }

    void attempt(int tryNo) {
      if (handle != null && handle.stopped.get()) {
        abandoned.run();
        return;
      }
      SubOrchestratorGrpc.SubOrchestratorStub stub;
      try {
        stub = SubOrchestratorGrpc.newStub(channels.channel(target.address()))
            .withDeadlineAfter(config.callDeadline().toMillis(), TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        finishFailed(Status.UNAVAILABLE.withDescription("no channel to " + target.address() + ": " + e.getMessage()));
        return;
      }
      call.accept(stub, new StreamObserver<R>() {
        R response;

        @Override
        public void onNext(R value) {
          response = value;
        }

        @Override
        public void onError(Throwable t) {
          Status s = Status.fromThrowable(t);
          boolean stopped = handle != null && handle.stopped.get();
          if (!stopped && tryNo < tries && RetryRules.retryable(s.getCode(), idempotent)) {
            Duration pause = RetryRules.backoff(config, tryNo + 1, random);
            log.debug("{} to {} failed ({}), try {} in {} ms", what, target.instanceId(), s.getCode(), tryNo + 1,
                pause.toMillis());
            timer.schedule(() -> attempt(tryNo + 1), pause.toMillis(), TimeUnit.MILLISECONDS);
            return;
          }
          finishFailed(s.withDescription(what + " to " + target.instanceId() + " (" + target.address() + ") failed"
              + (tryNo > 1 ? " after " + tryNo + " tries" : "") + ": " + s.getCode()
              + (s.getDescription() == null ? "" : " " + s.getDescription())));
        }

        @Override
        public void onCompleted() {
          heard(target.instanceId());
          breakers.success(target.instanceId(), took());
          ok.accept(response);
        }
      });
    }

    private Duration took() {
      return Duration.ofMillis(Math.max(0, clock.millis() - start));
    }

    private void finishFailed(Status s) {
      if (RetryRules.countsAgainstInstance(s.getCode())) {
        breakers.failure(target.instanceId(), took(), s.getDescription());
      } else {
        heard(target.instanceId());
        breakers.success(target.instanceId(), took());
      }
      failed.accept(s);
    }
  }

  private void heard(String instanceId) {
    lastHeard.put(instanceId, clock.millis());
  }

  private void watch(Target target, DelegateResponse accepted, Duration watchDeadline,
      ExecutionListener listener, WatchHandle handle) {
    if (handle.stopped.get()) {
      return;
    }
    String executionId = accepted.getExecutionId();
    long start = clock.millis();
    WatchState state = new WatchState();
    handle.idle = state;
    SubOrchestratorGrpc.newStub(channels.channel(target.address()))
        .withDeadlineAfter(watchDeadline.toMillis(), TimeUnit.MILLISECONDS)
        .watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(executionId).build(),
            new ClientResponseObserver<WatchExecutionRequest, ExecutionUpdate>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<WatchExecutionRequest> call) {
                handle.call.set(call);
              }

              @Override
              public void onNext(ExecutionUpdate update) {
                if (state.terminal) {
                  return;
                }
                state.lastUpdate = clock.millis();
                heard(target.instanceId());
                state.terminal = isTerminal(update.getState());
                if (state.terminal) {
                  state.cancelTimer();
                  breakers.success(target.instanceId(), Duration.ofMillis(clock.millis() - start));
                }
                listener.onUpdate(update);
              }

              @Override
              public void onError(Throwable t) {
                state.cancelTimer();
                if (!state.terminal && !handle.stopped.get()) {
                  Status s = Status.fromThrowable(t);
                  String why = "watch of " + executionId + " on " + target.instanceId() + " broke: " + s.getCode()
                      + (s.getDescription() == null ? "" : " " + s.getDescription());
                  breakers.failure(target.instanceId(), Duration.ofMillis(clock.millis() - start), why);
                  listener.onWatchLost(s.withDescription(why));
                }
              }

              @Override
              public void onCompleted() {
                state.cancelTimer();
                if (!state.terminal && !handle.stopped.get()) {
                  String why = "watch of " + executionId + " on " + target.instanceId() + " ended without a result";
                  breakers.failure(target.instanceId(), Duration.ofMillis(clock.millis() - start), why);
                  listener.onWatchLost(Status.UNAVAILABLE.withDescription(why));
                }
              }
            });
    state.lastUpdate = clock.millis();
    armIdleCheck(target, handle, state, config.watchIdleTimeout().toMillis());
  }

  /**
   * Silence on a watch proves nothing by itself (progress is sparse), so it makes the delegator ask
   * the instance directly; each failed probe is a breaker failure, and the probes go on (quickly
   * after a failure) until the breaker opens and recovery takes the task away, or the instance answers.
   */
  private void armIdleCheck(Target target, WatchHandle handle, WatchState state, long delayMillis) {
    if (handle.stopped.get() || state.terminal) {
      return;
    }
    state.timer = timer.schedule(() -> {
      if (handle.stopped.get() || state.terminal) {
        return;
      }
      long idle = config.watchIdleTimeout().toMillis();
      long now = clock.millis();
      long quiet = now - Math.max(state.lastUpdate, lastHeard.getOrDefault(target.instanceId(), 0L));
      if (quiet < idle || breakers.isOpen(target.instanceId())) {
        armIdleCheck(target, handle, state, Math.max(1, idle - Math.max(0, quiet)));
        return;
      }
      probe(target, alive -> armIdleCheck(target, handle, state,
          alive ? idle : RetryRules.backoff(config, 2, random).toMillis()));
    }, delayMillis, TimeUnit.MILLISECONDS);
  }

  static boolean isTerminal(ExecutionState s) {
    return s == ExecutionState.EXECUTION_STATE_SUCCEEDED
        || s == ExecutionState.EXECUTION_STATE_FAILED
        || s == ExecutionState.EXECUTION_STATE_CANCELLED;
  }

  private static final class WatchState {
    volatile boolean terminal;
    volatile long lastUpdate;
    volatile ScheduledFuture<?> timer;

    void cancelTimer() {
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
    }
  }

  private static final class WatchHandle implements Handle {
    final AtomicBoolean stopped = new AtomicBoolean();
    final AtomicReference<ClientCallStreamObserver<?>> call = new AtomicReference<>();
    volatile WatchState idle;

    @Override
    public void stopWatching() {
      if (stopped.compareAndSet(false, true)) {
        WatchState s = idle;
        if (s != null) {
          s.cancelTimer();
        }
        ClientCallStreamObserver<?> c = call.get();
        if (c != null) {
          c.cancel("no longer watched", null);
        }
      }
    }
  }
}
