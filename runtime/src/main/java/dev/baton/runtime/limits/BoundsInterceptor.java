package dev.baton.runtime.limits;

import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Checks every request message against {@link MessageBounds} before the service sees it. Runs
 * inside the server's status mapping, so a {@link BoundsException} becomes INVALID_ARGUMENT naming
 * the field, its size and the bound; on a stream (Coordinate, Execute) it ends the stream.
 * Runs on whichever thread delivers the message (a transport thread for non-blocking methods): the
 * walk does not block.
 */
public final class BoundsInterceptor implements ServerInterceptor {
  private final MessageBounds bounds;

  public BoundsInterceptor(MessageBounds bounds) {
    this.bounds = bounds;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      @Override
      public void onMessage(Q message) {
        if (message instanceof Message m) {
          bounds.check(m, "");
        }
        super.onMessage(message);
      }
    };
  }
}
