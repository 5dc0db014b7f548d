package dev.baton.master.delegation;

import dev.baton.master.resilience.RetryRules;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.ExecutionUpdate;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link Delegator#delegate} call: the delegate sent on the instance's Execute stream (tried
 * again on a new stream where {@link RetryRules} allows), then its execution followed on that
 * stream. It records the breaker outcomes a unary Delegate plus a WatchExecution did: one for the
 * acceptance (on the caller's permission, released when stopped before a try), one for the watch
 * (success at the terminal update, failure when it is lost). The listener hears onAccepted, then
 * updates, and nothing after a terminal update, onDelegateFailed or onWatchLost.
 */
final class StreamedAttempt implements Delegator.Handle {
  private static final Logger log = LoggerFactory.getLogger(StreamedAttempt.class);

  private final Delegator owner;
  final Delegator.Target target;
  final DelegationPackage pkg;
  final Duration watchDeadline;
  private final ExecutionListener listener;
  private final long start;
  /** W3C fields of the caller's span when delegate was called (the master's delegation span), for every try. */
  final java.util.Map<String, String> traceContext =
      dev.baton.runtime.telemetry.TraceContext.toMap(io.opentelemetry.context.Context.current());
  private final AtomicBoolean stopped = new AtomicBoolean();
  /** Set once accepted. */
  volatile String executionId;
  /** Guarded by the stream's lock. */
  long acceptBy;
  long watchUntil;
  private volatile int tryNo;
  private volatile InstanceStream stream;
  private volatile long watchStart;
  /** A terminal update, onDelegateFailed or onWatchLost was delivered. Guarded by this. */
  private boolean done;

  StreamedAttempt(Delegator owner, Delegator.Target target, DelegationPackage pkg, Duration watchDeadline,
      ExecutionListener listener) {
    this.owner = owner;
    this.target = target;
    this.pkg = pkg;
    this.watchDeadline = watchDeadline;
    this.listener = listener;
    this.start = owner.clock.millis();
  }

  boolean isStopped() {
    return stopped.get();
  }

  @Override
  public void stopWatching() {
    if (stopped.compareAndSet(false, true)) {
      InstanceStream s = stream;
      if (s != null) {
        s.forget(this);
      }
    }
  }

  /** Sends try {@code number} on the instance's current stream (a new one if it broke). */
  void attempt(int number) {
    if (stopped.get()) {
      owner.breakers.release(target.instanceId());
      return;
    }
    tryNo = number;
    for (int i = 0; i < 2; i++) {
      InstanceStream s;
      try {
        s = owner.stream(target);
      } catch (RuntimeException e) {
        finishFailed(Status.UNAVAILABLE.withDescription("no channel to " + target.address() + ": " + e.getMessage()));
        return;
      }
      stream = s;
      if (s.delegate(this, owner.nextCallId(), owner.clock.millis() + owner.config.callDeadline().toMillis())) {
        return;
      }
    }
    tryFailed(Status.UNAVAILABLE.withDescription("the Execute stream to " + target.address() + " broke"));
  }

  /** This try got no acceptance: the stream broke, the instance rejected it, or no answer came in time. */
  void tryFailed(Status s) {
    int number = tryNo;
    if (!stopped.get() && number < owner.config.callAttempts() && RetryRules.retryable(s.getCode(), true)) {
      Duration pause = RetryRules.backoff(owner.config, number + 1, owner.random);
      log.debug("Delegate {}#{} to {} failed ({}), try {} in {} ms", pkg.getTaskId(), pkg.getAttempt(),
          target.instanceId(), s.getCode(), number + 1, pause.toMillis());
      owner.timer.schedule(() -> attempt(number + 1), pause.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    finishFailed(s.withDescription("Delegate " + pkg.getTaskId() + "#" + pkg.getAttempt() + " to "
        + target.instanceId() + " (" + target.address() + ") failed"
        + (number > 1 ? " after " + number + " tries" : "") + ": " + s.getCode()
        + (s.getDescription() == null ? "" : " " + s.getDescription())));
  }

  private void finishFailed(Status s) {
    if (RetryRules.countsAgainstInstance(s.getCode())) {
      owner.breakers.failure(target.instanceId(), took(start), s.getDescription());
    } else {
      owner.heard(target.instanceId());
      owner.breakers.success(target.instanceId(), took(start));
    }
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      listener.onDelegateFailed(s);
    }
  }

  void accepted(DelegateResponse response) {
    owner.heard(target.instanceId());
    owner.breakers.success(target.instanceId(), took(start));
    watchStart = owner.clock.millis();
    synchronized (this) {
      if (!done) {
        listener.onAccepted(response);
      }
    }
  }

  void update(ExecutionUpdate update) {
    synchronized (this) {
      if (done || stopped.get()) {
        return;
      }
      if (Delegator.isTerminal(update.getState())) {
        done = true;
        owner.breakers.success(target.instanceId(), took(watchStart));
      }
      listener.onUpdate(update);
    }
  }

  /** The watch broke or passed its deadline without a terminal update: one breaker failure, one onWatchLost. */
  void watchLost(Status why) {
    synchronized (this) {
      if (done || stopped.get()) {
        return;
      }
      done = true;
    }
    owner.breakers.failure(target.instanceId(), took(watchStart), why.getDescription());
    listener.onWatchLost(why);
  }

  private Duration took(long since) {
    return Duration.ofMillis(Math.max(0, owner.clock.millis() - since));
  }
}
