package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees on the admin port: outbox gauges, relay meters, the outbox health check.
 */
class AdminTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void relayReportsPublishedEventsAndCommitToAckLatency() throws Exception {
    try (TestApi api = TestApi.start(true)) {
      String key = api.newApiKey();
      for (int i = 0; i < 5; i++) {
        assertEquals(202, api.postImage(key, Images.jpeg()).statusCode());
      }
      JsonNode metrics =
          awaitMetrics(
              api,
              m ->
                  m.at("/meters/relay.published/count").asLong() >= 5
                      && m.at("/gauges/outbox.depth/value").asLong() == 0);
      assertEquals(5, metrics.at("/meters/relay.published/count").asLong());
      assertEquals(0, metrics.at("/meters/relay.publish-errors/count").asLong());
      assertEquals(5, metrics.at("/timers/relay.commit-to-ack/count").asLong());
      assertTrue(metrics.at("/timers/relay.commit-to-ack/p99").isNumber());
      assertEquals(16, metrics.at("/gauges/relay.owned-shards/value").asInt());
      assertEquals(
          0, metrics.at("/gauges/outbox.depth/value").asLong(), "published rows leave the outbox");
      assertEquals(200, health(api).statusCode());
    }
  }

  @Test
  void outboxHealthFailsWhenEventsWaitTooLong() throws Exception {
    try (TestApi api = TestApi.start(false)) {
      String key = api.newApiKey();
      assertEquals(202, api.postImage(key, Images.jpeg()).statusCode());
      assertEquals(200, health(api).statusCode(), "young events are fine");
      Thread.sleep(2_500); // the test configuration's bound is 2 s, and no relay runs
      var unhealthy = health(api);
      assertEquals(500, unhealthy.statusCode());
      JsonNode outbox = JSON.readTree(unhealthy.body()).get("outbox");
      assertEquals(false, outbox.get("healthy").asBoolean());
      assertTrue(outbox.get("message").asText().startsWith("oldest unpublished event is"));
      JsonNode metrics = awaitMetrics(api, m -> m.at("/gauges/outbox.depth/value").asLong() == 1);
      assertTrue(metrics.at("/gauges/outbox.oldest-age-seconds/value").asDouble() > 2.0);
    }
  }

  private static java.net.http.HttpResponse<String> health(TestApi api) throws Exception {
    return api.send(HttpRequest.newBuilder(api.adminUri("/healthcheck")).build());
  }

  private static JsonNode awaitMetrics(TestApi api, java.util.function.Predicate<JsonNode> ready)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode metrics;
    do {
      metrics =
          JSON.readTree(api.send(HttpRequest.newBuilder(api.adminUri("/metrics")).build()).body());
      if (ready.test(metrics)) {
        return metrics;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < deadline);
    return metrics;
  }
}
