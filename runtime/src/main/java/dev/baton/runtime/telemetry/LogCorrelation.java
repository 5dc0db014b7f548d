package dev.baton.runtime.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import org.slf4j.MDC;

/**
 * Puts a span's ids in the logging MDC ({@code trace_id}, {@code span_id}) while it is current on
 * a thread, so that log lines written in its scope carry them (the servers' log pattern prints
 * them; see docs/observability.md "Traces"). Restores what the thread had on close: scopes nest and
 * never leak to the next task the thread runs.
 */
public final class LogCorrelation {
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";

  private LogCorrelation() {}

  /** {@code span} current and its ids in the MDC until the returned scope is closed (same thread). */
  public static Scope withSpan(Span span) {
    SpanContext sc = span.getSpanContext();
    if (!sc.isValid()) {
      return Scope.noop();
    }
    Scope otel = span.makeCurrent();
    String oldTrace = MDC.get(TRACE_ID);
    String oldSpan = MDC.get(SPAN_ID);
    MDC.put(TRACE_ID, sc.getTraceId());
    MDC.put(SPAN_ID, sc.getSpanId());
    return () -> {
      restore(TRACE_ID, oldTrace);
      restore(SPAN_ID, oldSpan);
      otel.close();
    };
  }

  private static void restore(String key, String old) {
    if (old == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, old);
    }
  }
}
