package dev.uploads.stack.system;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A collector for tests: OTLP over HTTP ({@code POST /v1/traces}, protobuf), on loopback, keeping
 * the spans that the services under test export, by trace. Only the most recent traces are kept, so
 * that a JVM's worth of system tests cannot fill the heap.
 */
final class OtlpReceiver implements AutoCloseable {
  private static final int TRACES_KEPT = 20_000;

  /** A span as it arrived: ids in lowercase hex, the parent empty for a root. */
  record ReceivedSpan(
      String service,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      String kind,
      Map<String, String> attributes,
      boolean error) {
    String attribute(String key) {
      return attributes.get(key);
    }

    @Override
    public String toString() {
      return "%s %s [%s] span %s parent %s%s %s"
          .formatted(
              service,
              name,
              kind,
              spanId,
              parentSpanId.isEmpty() ? "-" : parentSpanId,
              error ? " ERROR" : "",
              attributes);
    }
  }

  private final HttpServer server;
  private final AtomicLong requests = new AtomicLong();
  private final Map<String, List<ReceivedSpan>> traces =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<ReceivedSpan>> eldest) {
          return size() > TRACES_KEPT;
        }
      };

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  static OtlpReceiver start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    OtlpReceiver receiver = new OtlpReceiver(server);
    server.createContext("/v1/traces", receiver::export);
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread thread = new Thread(r, "otlp-receiver");
              thread.setDaemon(true);
              return thread;
            }));
    server.start();
    return receiver;
  }

  /** The base URL the services' {@code tracing.otlpEndpoint} names. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every span of the trace received so far. */
  synchronized List<ReceivedSpan> trace(String traceId) {
    return List.copyOf(traces.getOrDefault(traceId, List.of()));
  }

  long requests() {
    return requests.get();
  }

  private void export(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream body = exchange.getRequestBody()) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
      requests.incrementAndGet();
      for (ResourceSpans resource : request.getResourceSpansList()) {
        String service = attributes(resource.getResource()).get("service.name");
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
            add(
                new ReceivedSpan(
                    service,
                    hex(span.getTraceId()),
                    hex(span.getSpanId()),
                    hex(span.getParentSpanId()),
                    span.getName(),
                    span.getKind().name().replace("SPAN_KIND_", ""),
                    attributes(span.getAttributesList()),
                    span.getStatus().getCode()
                        == io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR));
          }
        }
      }
      byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
      exchange.getResponseBody().write(answer);
    }
  }

  private synchronized void add(ReceivedSpan span) {
    traces.computeIfAbsent(span.traceId(), t -> new ArrayList<>()).add(span);
  }

  private static Map<String, String> attributes(Resource resource) {
    return attributes(resource.getAttributesList());
  }

  private static Map<String, String> attributes(List<KeyValue> values) {
    Map<String, String> map = new HashMap<>();
    for (KeyValue value : values) {
      map.put(value.getKey(), text(value.getValue()));
    }
    return map;
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString();
    };
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
