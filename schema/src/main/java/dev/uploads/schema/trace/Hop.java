package dev.uploads.schema.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import org.slf4j.MDC;

/**
 * One hop of a trace in progress on this thread: its span is current (a hop opened inside becomes
 * its child) and the MDC names it, so every log line written meanwhile carries {@code trace_id} and
 * {@code span_id}. Closing it ends the span and gives the MDC back as it was.
 */
public final class Hop implements AutoCloseable {
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";

  private final Span span;
  private final Scope scope;
  private final String previousTrace;
  private final String previousSpan;
  private boolean endsElsewhere;

  Hop(Span span) {
    this.span = span;
    this.scope = span.makeCurrent();
    this.previousTrace = MDC.get(TRACE_ID);
    this.previousSpan = MDC.get(SPAN_ID);
    SpanContext context = span.getSpanContext();
    MDC.put(TRACE_ID, context.getTraceId());
    MDC.put(SPAN_ID, context.getSpanId());
  }

  public Span span() {
    return span;
  }

  /** This hop's span as a {@code traceparent}: what the next hop names as its parent. */
  public String traceparent() {
    return Tracing.traceparent(span.getSpanContext());
  }

  public String traceId() {
    return span.getSpanContext().getTraceId();
  }

  public Hop attribute(String key, String value) {
    if (value != null) {
      span.setAttribute(key, value);
    }
    return this;
  }

  public Hop attribute(String key, long value) {
    span.setAttribute(key, value);
    return this;
  }

  /**
   * For work that finishes on another thread (a record the producer sends on, acknowledged later):
   * closing this hop then leaves the span running, and whoever holds the returned span ends it.
   */
  public Span endsElsewhere() {
    endsElsewhere = true;
    return span;
  }

  /** The hop's work failed: the span records why and ends as an error. */
  public void failed(Throwable failure) {
    span.recordException(failure);
    span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
  }

  @Override
  public void close() {
    restore(TRACE_ID, previousTrace);
    restore(SPAN_ID, previousSpan);
    scope.close();
    if (!endsElsewhere) {
      span.end();
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
