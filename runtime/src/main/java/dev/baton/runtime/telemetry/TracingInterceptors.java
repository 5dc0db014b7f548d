package dev.baton.runtime.telemetry;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.Map;

/**
 * Carries W3C trace context through gRPC metadata: the client side writes the caller's current span
 * (or the process's {@code TRACEPARENT} variable when it has none, so a script can make
 * {@code baton submit} continue its trace); the server side reads it into
 * {@link TraceContext#remoteParent()} for the handler. Neither starts spans: Baton's spans are
 * started where the work is (see {@link SpanNames}), with explicit parents. Installed on every
 * Baton server ({@code GrpcServer}) and channel ({@code ClientSecurity}).
 */
public final class TracingInterceptors {
  private static final ClientInterceptor CLIENT = new Client(System.getenv());
  private static final ServerInterceptor SERVER = new Server();

  private TracingInterceptors() {}

  public static ClientInterceptor client() {
    return CLIENT;
  }

  public static ServerInterceptor server() {
    return SERVER;
  }

  static final class Client implements ClientInterceptor {
    private final Context fallback;

    Client(Map<String, String> env) {
      String traceparent = env.getOrDefault("TRACEPARENT", "");
      this.fallback = traceparent.isBlank() ? Context.root()
          : TraceContext.fromMap(Map.of("traceparent", traceparent.trim(),
              "tracestate", env.getOrDefault("TRACESTATE", "")));
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          // start() runs on the caller's thread: Context.current() is the caller's span.
          Context context = Context.current();
          if (!Span.fromContext(context).getSpanContext().isValid()) {
            context = fallback;
          }
          if (Span.fromContext(context).getSpanContext().isValid()) {
            TraceContext.inject(context, headers);
          }
          super.start(listener, headers);
        }
      };
    }
  }

  static final class Server implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      if (headers.get(TRACEPARENT) == null) {
        return next.startCall(call, headers);
      }
      io.grpc.Context grpc = io.grpc.Context.current().withValue(TraceContext.REMOTE_PARENT, TraceContext.extract(headers));
      return Contexts.interceptCall(grpc, call, headers, next);
    }

    private static final Metadata.Key<String> TRACEPARENT =
        Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
  }
}
