package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.Topics;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every response names its request and its trace, and the upload's event continues that trace. */
class RequestContextTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPAN = "00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}";
  private static TestApi api;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    api = TestApi.start(true);
    key = api.newApiKey();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void everyResponseOnBothPortsCarriesARequestIdAndATrace() throws Exception {
    List<HttpResponse<String>> responses =
        List.of(
            api.postImage(key, Images.jpeg()),
            api.get("/v1/uploads/" + UUID.randomUUID(), key),
            api.get("/v1/uploads", "not-a-key"),
            api.get("/no/such/route", key),
            api.send(HttpRequest.newBuilder(api.adminUri("/ping")).build()),
            api.send(HttpRequest.newBuilder(api.adminUri("/tasks/gc")).POST(noBody()).build()));
    List<Integer> statuses = responses.stream().map(HttpResponse::statusCode).toList();
    assertEquals(List.of(202, 404, 401, 404, 200, 401), statuses);
    for (HttpResponse<String> response : responses) {
      String id =
          response
              .headers()
              .firstValue("X-Request-Id")
              .orElseThrow(() -> new AssertionError(response + ": " + response.headers().map()));
      UUID.fromString(id);
      assertTrue(
          response.headers().firstValue("traceresponse").orElseThrow().matches(SPAN),
          response.uri() + ": " + response.headers().map());
    }
    assertEquals(
        responses.size(),
        responses.stream()
            .map(r -> r.headers().firstValue("X-Request-Id").orElseThrow())
            .distinct()
            .count(),
        "a new id per request");
  }

  @Test
  void theCallersRequestIdAndTraceAreContinuedAndAnUnusableIdIsReplaced() throws Exception {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    String callersSpan = "00f067aa0ba902b7";
    HttpResponse<String> continued =
        api.send(
            HttpRequest.newBuilder(api.uri("/v1/uploads"))
                .header("Authorization", "Bearer " + key)
                .header("X-Request-Id", "edge-7f3a.91:b_2")
                .header("traceparent", "00-" + trace + "-" + callersSpan + "-01")
                .build());
    assertEquals(200, continued.statusCode());
    assertEquals("edge-7f3a.91:b_2", continued.headers().firstValue("X-Request-Id").orElseThrow());
    String span = continued.headers().firstValue("traceresponse").orElseThrow();
    assertTrue(span.matches(SPAN), span);
    assertEquals(trace, span.substring(3, 35), "the caller's trace");
    assertNotEquals(callersSpan, span.substring(36, 52), "a span of our own, a child of theirs");

    for (String unusable : List.of("has space", "x".repeat(65), "semi;colon")) {
      HttpResponse<String> replaced =
          api.send(
              HttpRequest.newBuilder(api.uri("/v1/uploads"))
                  .header("Authorization", "Bearer " + key)
                  .header("X-Request-Id", unusable)
                  .header("traceparent", "00-" + "0".repeat(32) + "-" + callersSpan + "-01")
                  .build());
      String id = replaced.headers().firstValue("X-Request-Id").orElseThrow();
      assertNotEquals(unusable, id);
      UUID.fromString(id);
      String fresh = replaced.headers().firstValue("traceresponse").orElseThrow();
      assertTrue(fresh.matches(SPAN), fresh);
      assertNotEquals("0".repeat(32), fresh.substring(3, 35), "an invalid parent starts a trace");
    }
  }

  @Test
  void theUploadsEventIsAChildOfTheResponsesSpan() throws Exception {
    HttpResponse<String> posted = api.postImage(key, Images.jpeg());
    assertEquals(202, posted.statusCode(), posted.body());
    String id = JSON.readTree(posted.body()).get("id").asText();
    String span = posted.headers().firstValue("traceresponse").orElseThrow();
    try (TopicReader reader = new TopicReader(Topics.UPLOADS)) {
      var record =
          reader
              .readUntil(
                  rs -> rs.stream().anyMatch(r -> TopicReader.key(r).equals(id)),
                  Duration.ofSeconds(30))
              .stream()
              .filter(r -> TopicReader.key(r).equals(id))
              .findFirst()
              .orElseThrow();
      String event = TopicReader.header(record, EventHeaders.TRACEPARENT);
      assertTrue(event.matches(SPAN), event);
      assertEquals(span.substring(3, 35), event.substring(3, 35), "the response's trace");
      assertNotEquals(
          span.substring(36, 52),
          event.substring(36, 52),
          "a later hop's span: the relay's publish, a grandchild");
    }
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }
}
