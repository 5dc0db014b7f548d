package dev.baton.master.delegation;

import dev.baton.master.resilience.Breakers;
import dev.baton.master.resilience.ResilienceConfig;
import dev.baton.master.resilience.RetryRules;
import dev.baton.v1.CancelExecutionRequest;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DescribeRequest;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.SubOrchestratorGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delegates a task to an instance and follows it, over one long-lived Execute stream per instance
 * ({@link InstanceStream}) that carries every delegation and its updates: a task costs three small
 * messages instead of a unary Delegate plus a WatchExecution stream and their timers. Each
 * acceptance has {@code callDeadline} and is retried with backoff and jitter only when
 * {@link RetryRules} says the code is safe; every outcome that says something about the instance
 * goes to its circuit breaker, as the unary calls' did. A stream with outstanding attempts that
 * stays silent longer than {@code watchIdleTimeout} makes the delegator probe the instance with
 * Describe, so a hung instance is found in seconds, not after the task's own timeout. A broken
 * stream loses the watch of each attempt on it; the next delegation opens a new stream.
 *
 * <p>CancelExecution and Describe stay unary calls with a deadline.
 */
public final class Delegator {
  private static final Logger log = LoggerFactory.getLogger(Delegator.class);

  /** Which instance, and where it listens. */
  public record Target(String instanceId, String address) {}

  final ChannelPool channels;
  final ResilienceConfig config;
  final Breakers breakers;
  final ScheduledExecutorService timer;
  final Clock clock;
  final Random random;
  /** Last time each instance answered a unary call (ms of {@link #clock}): a live instance need not be probed. */
  private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();
  /** The open Execute stream of each instance (by address and id); a broken one is replaced on next use. */
  private final Map<Target, InstanceStream> streams = new ConcurrentHashMap<>();
  private final AtomicLong callIds = new AtomicLong();

  /**
   * @param timer runs the pauses between tries and each stream's periodic check
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
   * Starts the delegation; the listener hears the outcome. The acceptance's outcome is recorded
   * on the instance's breaker exactly once (the caller holds a permission for it, see
   * {@link Breakers#tryAcquire}); the permission is released when the handle is stopped first.
   * The delegation goes on the instance's Execute stream, opened on first use.
   *
   * @param watchDeadline how long the watch may stay open: past it the watch counts as lost
   */
  public Handle delegate(Target target, DelegationPackage pkg, Duration watchDeadline, ExecutionListener listener) {
    StreamedAttempt attempt = new StreamedAttempt(this, target, pkg, watchDeadline, listener);
    attempt.attempt(1);
    return attempt;
  }

  /** The instance's open Execute stream, opening one when there is none or it broke. */
  InstanceStream stream(Target target) {
    InstanceStream s = streams.get(target);
    if (s != null && !s.isBroken()) {
      return s;
    }
    synchronized (streams) {
      s = streams.get(target);
      if (s == null || s.isBroken()) {
        s = new InstanceStream(this, target);
        s.open();
        streams.put(target, s);
      }
      return s;
    }
  }

  /**
   * Ends every Execute stream: a master standing down must not keep streams whose calls carry the
   * epoch it led under (a later term opens new ones, with the new epoch). The work goes on.
   */
  public void closeStreams(String why) {
    List<InstanceStream> all;
    synchronized (streams) {
      all = List.copyOf(streams.values());
      streams.clear();
    }
    all.forEach(s -> s.close(why));
  }

  /** A broken stream leaves the map, so the next delegation opens a new one. */
  void forget(InstanceStream stream) {
    streams.remove(stream.target, stream);
  }

  long nextCallId() {
    return callIds.incrementAndGet();
  }

  long lastHeard(String instanceId) {
    return lastHeard.getOrDefault(instanceId, 0L);
  }

  /** Asks the instance to cancel an execution, best effort: failures are logged and recorded, not thrown. */
  public void cancel(Target target, String executionId, String reason) {
    this.<dev.baton.v1.CancelExecutionResponse>unary(target, "CancelExecution " + executionId, true,
        config.callAttempts(),
        (stub, obs) -> stub.cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(executionId)
            .setReason(reason).build(), obs),
        r -> { },
        s -> log.debug("CancelExecution {} on {} failed: {}", executionId, target.instanceId(), s));
  }

  /**
   * Describe with a deadline, tried once: is the instance serving? The outcome also goes to its
   * breaker. Not retried, since a probe is itself the retry of whatever made the instance suspect.
   */
  public void probe(Target target, Consumer<Boolean> alive) {
    this.<dev.baton.v1.DescribeResponse>unary(target, "Describe", true, 1,
        (stub, obs) -> stub.describe(DescribeRequest.getDefaultInstance(), obs),
        r -> alive.accept(true),
        s -> alive.accept(false));
  }

  /** One unary call with deadline, safe retries and one breaker outcome. */
  private <R> void unary(Target target, String what, boolean idempotent, int tries,
      BiConsumer<SubOrchestratorGrpc.SubOrchestratorStub, StreamObserver<R>> call,
      Consumer<R> ok, Consumer<Status> failed) {
    new UnaryCall<>(target, what, idempotent, tries, call, ok, failed, clock.millis()).attempt(1);
  }

  private final class UnaryCall<R> {
    final Target target;
    final String what;
    final boolean idempotent;
    final int tries;
    final BiConsumer<SubOrchestratorGrpc.SubOrchestratorStub, StreamObserver<R>> call;
    final Consumer<R> ok;
    final Consumer<Status> failed;
    final long start;

    UnaryCall(Target target, String what, boolean idempotent, int tries,
        BiConsumer<SubOrchestratorGrpc.SubOrchestratorStub, StreamObserver<R>> call,
        Consumer<R> ok, Consumer<Status> failed, long start) {
      this.target = target;
      this.what = what;
      this.idempotent = idempotent;
      this.tries = tries;
      this.call = call;
      this.ok = ok;
      this.failed = failed;
      this.start = start;
    }

    void attempt(int tryNo) {
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
          if (tryNo < tries && RetryRules.retryable(s.getCode(), idempotent)) {
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

  void heard(String instanceId) {
    lastHeard.put(instanceId, clock.millis());
  }

  static boolean isTerminal(ExecutionState s) {
    return s == ExecutionState.EXECUTION_STATE_SUCCEEDED
        || s == ExecutionState.EXECUTION_STATE_FAILED
        || s == ExecutionState.EXECUTION_STATE_CANCELLED;
  }
}
