package dev.baton.master.delegation;

import dev.baton.runtime.server.MasterEpoch;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stamps every call to a sub-orchestrator with this master's epoch ({@link MasterEpoch#KEY}), read
 * from the supplier when the call starts, and reports a refusal as stale: a sub-orchestrator that
 * has heard from a newer master answers FAILED_PRECONDITION with the newer epoch in its trailer,
 * and {@code onStale} hears that epoch, so the master steps down without waiting for the journal
 * to refuse it. An epoch of 0 (no journal epoch yet, or none at all) sends no header, as before.
 *
 * <p>{@code onStale} runs on a gRPC thread, once per refused call: it must only post the news to
 * the thread that owns leadership.
 */
public final class EpochInterceptor implements ClientInterceptor {
  private static final Logger log = LoggerFactory.getLogger(EpochInterceptor.class);

  private final LongSupplier epoch;
  private final LongConsumer onStale;

  /**
   * @param epoch this master's epoch now (0: none)
   * @param onStale hears the newer epoch a sub-orchestrator reported when it refused a call
   */
  public EpochInterceptor(LongSupplier epoch, LongConsumer onStale) {
    this.epoch = Objects.requireNonNull(epoch, "epoch");
    this.onStale = Objects.requireNonNull(onStale, "onStale");
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
    long current = epoch.getAsLong();
    if (current < 0) {
      throw new IllegalStateException("master epoch: " + current + " (expected: >= 0, 0 for none)");
    }
    if (current == 0) {
      return next.newCall(method, options);
    }
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        MasterEpoch.write(headers, current);
        super.start(new SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            MasterEpoch.newerFrom(status, trailers).ifPresent(newer -> stale(method, current, newer));
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }

  private void stale(MethodDescriptor<?, ?> method, long mine, long newer) {
    log.warn("{} refused: this master's epoch {} is older than {}, which a newer master used",
        method.getFullMethodName(), mine, newer);
    try {
      onStale.accept(newer);
    } catch (RuntimeException e) {
      log.error("the stale-epoch listener failed", e);
    }
  }
}
