package dev.uploads.schema.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Collections;
import java.util.concurrent.TimeUnit;

/**
 * One process's spans, made with OpenTelemetry's SDK. Each hop of an event's way (the HTTP request,
 * the outbox write, the relay's publish, a job's processing, a dead letter, an operator's replay)
 * is a span whose parent is the hop before, across processes by the W3C {@code traceparent} that
 * the outbox rows, the Kafka records and the dead letters carry.
 *
 * <p>It lives in {@code schema} because that {@code traceparent} is part of the Kafka contract and
 * every process that handles an event (the API with its relay, the worker, the operators' tool)
 * must read and continue it the same way.
 */
public final class Tracing implements AutoCloseable {
  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private static final TextMapGetter<String> TRACEPARENT =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String traceparent) {
          return Collections.singletonList("traceparent");
        }

        @Override
        public String get(String traceparent, String key) {
          return "traceparent".equals(key) ? traceparent : null;
        }
      };

  private static final TextMapSetter<String[]> INTO =
      (carrier, key, value) -> {
        if ("traceparent".equals(key)) {
          carrier[0] = value;
        }
      };

  private final SdkTracerProvider provider;
  private final Tracer tracer;

  private Tracing(SdkTracerProvider provider) {
    this.provider = provider;
    this.tracer = provider.get("dev.uploads");
  }

  /**
   * Without a processor the SDK hands out a no-op tracer, whose spans have no ids of their own: a
   * hop would pass its parent's context on unchanged. This one keeps the SDK's spans (ids, parents,
   * sampling) and sends them nowhere.
   */
  private static final SpanProcessor NOWHERE =
      new SpanProcessor() {
        @Override
        public void onStart(Context parent, ReadWriteSpan span) {}

        @Override
        public boolean isStartRequired() {
          return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {}

        @Override
        public boolean isEndRequired() {
          return false;
        }
      };

  /** Spans are made and propagated, never exported. */
  public static Tracing unexported(String serviceName) {
    return new Tracing(builder(serviceName).addSpanProcessor(NOWHERE).build());
  }

  /** Spans go in batches to the collector at {@code endpoint} (OTLP over HTTP, protobuf). */
  public static Tracing exportingTo(String endpoint, String serviceName) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces").build();
    return new Tracing(
        builder(serviceName)
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build());
  }

  private static SdkTracerProviderBuilder builder(String serviceName) {
    // A caller's sampling decision is kept; without one, every trace is sampled.
    return SdkTracerProvider.builder()
        .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
        .setResource(Resource.getDefault().toBuilder().put(SERVICE_NAME, serviceName).build());
  }

  /**
   * Starts a hop whose parent is the span in {@code traceparent}, or the root of a new trace when
   * that is null or not a valid W3C {@code traceparent}. The hop's span is current on this thread
   * and named in the log lines' MDC until the hop is closed.
   */
  public Hop hop(String name, SpanKind kind, String traceparent) {
    return hop(name, kind, parent(traceparent));
  }

  /**
   * Starts a span whose parent is the one in {@code traceparent}, without making it current or
   * naming it in the MDC, for work done for many events at once (a batch): whoever holds it ends
   * it. Its attributes are given up front, which costs less than setting them on a started span.
   */
  public Span span(String name, SpanKind kind, String traceparent, Attributes attributes) {
    return tracer
        .spanBuilder(name)
        .setParent(parent(traceparent))
        .setSpanKind(kind)
        .setAllAttributes(attributes)
        .startSpan();
  }

  /** A hop around a span already started: current, and in the MDC, until the hop is closed. */
  public Hop hop(Span span) {
    return new Hop(span);
  }

  /** Starts a hop whose parent is this thread's current span (a new trace without one). */
  public Hop hop(String name, SpanKind kind) {
    return new Hop(tracer.spanBuilder(name).setSpanKind(kind).startSpan());
  }

  /** Starts a hop whose parent was extracted from a request's or a record's headers. */
  public Hop hop(String name, SpanKind kind, Context parent) {
    return new Hop(tracer.spanBuilder(name).setParent(parent).setSpanKind(kind).startSpan());
  }

  /** The context whose span is the one in {@code traceparent}; the root without a valid one. */
  public static Context parent(String traceparent) {
    return traceparent == null
        ? Context.root()
        : W3C.extract(Context.root(), traceparent, TRACEPARENT);
  }

  /** Extracts a caller's context from any carrier of W3C Trace Context headers. */
  public static <C> Context parent(C carrier, TextMapGetter<C> headers) {
    return W3C.extract(Context.root(), carrier, headers);
  }

  /** The span's context as a W3C {@code traceparent} value, the one the next hop continues. */
  public static String traceparent(SpanContext span) {
    String[] value = new String[1];
    W3C.inject(Context.root().with(Span.wrap(span)), value, INTO);
    return value[0];
  }

  /** Sends what is still buffered and stops exporting. */
  @Override
  public void close() {
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }
}
