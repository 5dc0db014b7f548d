package dev.baton.runtime.orchestrator;

import dev.baton.runtime.server.BatonException;
import dev.baton.runtime.server.MasterEpoch;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses calls from a master older than one this instance has already heard from: the epoch in
 * {@link MasterEpoch#KEY} is compared with the highest seen, a lower one is refused with
 * FAILED_PRECONDITION ({@link MasterEpoch#stale}) and the newer epoch in the trailer; an equal or
 * higher one is accepted (and raises the highest). A call without the header is accepted, as
 * grpcurl and masters without a journal make them: fencing keeps a deposed master from acting,
 * it does not authenticate.
 *
 * <p>A call is judged when it starts. An Execute stream lives long, so its delegates are judged
 * again one by one ({@link #checkStillCurrent}): a stream a master opened before a newer master
 * spoke gets its later delegates rejected, while re-attaching watches stay allowed (reading is
 * harmless). The highest epoch lives in memory: a restarted instance accepts whichever master
 * speaks first, which is then the newest one the journal fenced.
 *
 * <p>Thread-safe: calls start on gRPC's threads and the transport's.
 */
final class EpochFence implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(EpochFence.class);
  /** The epoch of the call being handled (0: the call carried none). */
  static final Context.Key<Long> CALL_EPOCH = Context.keyWithDefault("baton-master-epoch", 0L);

  private final String instanceId;
  private final AtomicLong newest = new AtomicLong();
  /** The last stale epoch logged, so a stale master's burst of calls logs once. */
  private final AtomicLong lastLoggedStale = new AtomicLong();

  EpochFence(String instanceId) {
    this.instanceId = instanceId;
  }

  /** The highest epoch seen so far (0 before any master sent one). */
  long newest() {
    return newest.get();
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    OptionalLong sent;
    try {
      sent = MasterEpoch.read(headers);
    } catch (IllegalArgumentException e) {
      call.close(Status.INVALID_ARGUMENT.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() { };
    }
    if (sent.isEmpty()) {
      return next.startCall(call, headers);
    }
    long epoch = sent.getAsLong();
    long before = newest.getAndAccumulate(epoch, Math::max);
    if (epoch < before) {
      logStale(epoch, before, call.getMethodDescriptor().getFullMethodName());
      call.close(MasterEpoch.stale(epoch, before), MasterEpoch.staleTrailers(before));
      return new ServerCall.Listener<>() { };
    }
    if (epoch > before) {
      log.info("{} now follows master epoch {} (was {})", instanceId, epoch, before == 0 ? "none" : before);
    }
    return Contexts.interceptCall(Context.current().withValue(CALL_EPOCH, epoch), call, headers, next);
  }

  /**
   * Throws the stale refusal when the current call's epoch is older than the newest seen since it
   * started; calls without an epoch always pass.
   */
  void checkStillCurrent(long callEpoch) {
    if (callEpoch == 0) {
      return;
    }
    long now = newest.get();
    if (callEpoch < now) {
      logStale(callEpoch, now, "a delegate on its open Execute stream");
      Status stale = MasterEpoch.stale(callEpoch, now);
      throw new BatonException(stale.getCode(), stale.getDescription());
    }
  }

  private void logStale(long epoch, long newestSeen, String what) {
    if (lastLoggedStale.getAndSet(epoch) != epoch) {
      log.warn("{} refuses {} from a master of epoch {}: epoch {} already spoke", instanceId, what, epoch, newestSeen);
    }
  }
}
