package dev.baton.runtime.server;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.ServiceDescriptor;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a request that is not a valid protobuf message answer INVALID_ARGUMENT with one WARN line.
 *
 * <p>gRPC parses a request before any interceptor sees it; a parse failure there escapes as an
 * application error (UNKNOWN, and a SEVERE stack trace from the executor). Here every method takes
 * the raw bytes instead ({@code InputStream}) and parses them itself with the method's own
 * marshaller, so the failure is caught where it happens and the call closed with a message that
 * says what was wrong. A well-formed message costs the same parse as before.
 */
final class MalformedMessages {
  private static final Logger log = LoggerFactory.getLogger(MalformedMessages.class);

  private MalformedMessages() {}

  /** {@code definition} with every method parsing its requests itself. */
  static ServerServiceDefinition guard(ServerServiceDefinition definition) {
    var service = definition.getServiceDescriptor();
    List<ServerMethodDefinition<InputStream, ?>> methods = new ArrayList<>();
    // A new service descriptor holding the raw methods; the schema descriptor is kept for reflection.
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(service.getName())
        .setSchemaDescriptor(service.getSchemaDescriptor());
    for (ServerMethodDefinition<?, ?> m : definition.getMethods()) {
      ServerMethodDefinition<InputStream, ?> raw = wrap(m);
      methods.add(raw);
      descriptor.addMethod(raw.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(b::addMethod);
    return b.build();
  }

  private static <Q, R> ServerMethodDefinition<InputStream, R> wrap(ServerMethodDefinition<Q, R> original) {
    MethodDescriptor<Q, R> method = original.getMethodDescriptor();
    MethodDescriptor<InputStream, R> raw = method.toBuilder(new RawMarshaller(), method.getResponseMarshaller()).build();
    ServerCallHandler<Q, R> handler = original.getServerCallHandler();
    return ServerMethodDefinition.create(raw, (call, headers) -> start(call, headers, method, handler));
  }

  private static <Q, R> ServerCall.Listener<InputStream> start(ServerCall<InputStream, R> call, Metadata headers,
      MethodDescriptor<Q, R> method, ServerCallHandler<Q, R> handler) {
    ServerCall<Q, R> typed = new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<Q, R>((ServerCall) call) {
      @Override
      public MethodDescriptor<Q, R> getMethodDescriptor() {
        return method;
      }
    };
    ServerCall.Listener<Q> listener = handler.startCall(typed, headers);
    return new ServerCall.Listener<>() {
      private boolean refused;

      @Override
      public void onMessage(InputStream bytes) {
        if (refused) {
          return;
        }
        Q message;
        try {
          message = method.parseRequest(bytes);
        } catch (RuntimeException e) {
          refused = true;
          String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
          log.warn("{}: refused a request that is not a valid {} ({})", method.getFullMethodName(),
              requestType(method), why);
          call.close(Status.INVALID_ARGUMENT.withDescription("the request is not a valid protobuf "
              + requestType(method) + " (" + why + "); send a message encoded from baton.v1's protos"), new Metadata());
          return;
        }
        listener.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          listener.onHalfClose();
        }
      }

      @Override
      public void onCancel() {
        listener.onCancel();
      }

      @Override
      public void onComplete() {
        listener.onComplete();
      }

      @Override
      public void onReady() {
        if (!refused) {
          listener.onReady();
        }
      }
    };
  }

  private static String requestType(MethodDescriptor<?, ?> method) {
    Object schema = method.getRequestMarshaller() instanceof MethodDescriptor.ReflectableMarshaller<?> r
        ? r.getMessageClass().getSimpleName() : "request";
    return String.valueOf(schema);
  }

  /** Passes the bytes through: the wrapper above parses them. */
  private static final class RawMarshaller implements MethodDescriptor.Marshaller<InputStream> {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }
}
