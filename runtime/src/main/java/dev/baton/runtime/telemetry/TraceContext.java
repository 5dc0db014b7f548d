package dev.baton.runtime.telemetry;

import io.grpc.Metadata;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;

/**
 * W3C trace context ({@code traceparent}, {@code tracestate}) in and out of gRPC metadata and of the
 * string maps that travel inside messages (a delegation on the multiplexed Execute stream carries its
 * own, since the stream's headers were sent once for many delegations). Always the W3C propagator,
 * whatever OTEL_PROPAGATORS says: it is Baton's wire format between its own processes.
 */
public final class TraceContext {
  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  /**
   * The remote parent a server interceptor extracted for the current call ({@link Context#root()}
   * outside a call or when the caller sent none). A gRPC context key: it follows the call's
   * callbacks, whatever thread runs them, and does not leak to other calls.
   */
  static final io.grpc.Context.Key<Context> REMOTE_PARENT = io.grpc.Context.key("baton-trace-parent");

  static final TextMapSetter<Metadata> METADATA_SETTER =
      (carrier, key, value) -> carrier.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);

  static final TextMapGetter<Metadata> METADATA_GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Metadata carrier) {
      return carrier.keys();
    }

    @Override
    public String get(Metadata carrier, String key) {
      return carrier == null ? null : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
    }
  };

  private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private TraceContext() {}

  /** The parent for a span started by the current gRPC call's handler. */
  public static Context remoteParent() {
    Context c = REMOTE_PARENT.get();
    return c == null ? Context.root() : c;
  }

  /** {@code context}'s span as W3C fields; empty when it has no valid span (tracing off). */
  public static Map<String, String> toMap(Context context) {
    if (!Span.fromContext(context).getSpanContext().isValid()) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    W3C.inject(context, out, Map::put);
    return out;
  }

  /** The remote parent written by {@link #toMap}; {@link Context#root()} for an empty or malformed map. */
  public static Context fromMap(Map<String, String> fields) {
    if (fields == null || fields.isEmpty()) {
      return Context.root();
    }
    return W3C.extract(Context.root(), fields, MAP_GETTER);
  }

  static void inject(Context context, Metadata headers) {
    W3C.inject(context, headers, METADATA_SETTER);
  }

  static Context extract(Metadata headers) {
    return W3C.extract(Context.root(), headers, METADATA_GETTER);
  }
}
