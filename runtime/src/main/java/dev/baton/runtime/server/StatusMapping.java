package dev.baton.runtime.server;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions escaping a handler become a gRPC {@link Status}.
 *
 * <p>{@link BatonException} carries its own code and a message a person can act on; an
 * {@link IllegalArgumentException} is the caller's fault (INVALID_ARGUMENT); anything else is a bug:
 * INTERNAL with a generic message, the stack trace logged here and never sent to the client.
 */
public final class StatusMapping implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(StatusMapping.class);

  /** Maps a throwable to the status a client should see. */
  public static Status toStatus(Throwable t) {
    if (t instanceof StatusRuntimeException sre) {
      return sre.getStatus();
    }
    if (t instanceof StatusException se) {
      return se.getStatus();
    }
    if (t instanceof BatonException be) {
      return be.status();
    }
    if (t instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(t.getMessage());
    }
    log.error("internal error", t);
    return Status.INTERNAL.withDescription(
        "internal error (" + t.getClass().getSimpleName() + "); see the server log");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        guard(() -> super.onMessage(message));
      }

      @Override
      public void onHalfClose() {
        guard(super::onHalfClose);
      }

      @Override
      public void onReady() {
        guard(super::onReady);
      }

      private void guard(Runnable r) {
        try {
          r.run();
        } catch (RuntimeException e) {
          Status status = toStatus(e);
          try {
            // A thrown StatusRuntimeException keeps its trailers (a standby's LeaderHint).
            Metadata trailers = Status.trailersFromThrowable(e);
            call.close(status, trailers == null ? new Metadata() : trailers);
          } catch (IllegalStateException alreadyClosed) {
            log.debug("call already closed when mapping {}", status, e);
          }
        }
      }
    };
  }
}
