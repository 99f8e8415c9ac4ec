package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/**
 * Each request counts once, under its endpoint's method and route template and the class of its
 * status, refusals by the key filter and problems included; in Prometheus' text as labels.
 */
class EndpointMetricsTest {
  private static final String UPLOAD = "GET /v1/uploads/{id}";

  @Test
  void countsEachRequestUnderItsRouteTemplateAndStatusClass() throws Exception {
    try (TestApi api = TestApi.start(false)) {
      String key = api.newApiKey();
      JsonNode before = metrics(api);
      assertEquals(0, count(before, UPLOAD, "5xx"), "every endpoint's meters exist from the start");
      assertEquals(0, count(before, "GET /v1/openapi.yaml", "2xx"));

      String id =
          new ObjectMapper().readTree(api.postImage(key, Images.jpeg()).body()).get("id").asText();
      assertEquals(200, api.get("/v1/uploads/" + id, key).statusCode());
      assertEquals(200, api.get("/v1/uploads/" + id, key).statusCode());
      assertEquals(401, api.get("/v1/uploads/" + id, "upk_wrong").statusCode());
      assertEquals(404, api.get("/v1/uploads/not-an-id", key).statusCode());
      assertEquals(404, api.get("/v2/nothing", key).statusCode());
      assertEquals(
          200, api.send(HttpRequest.newBuilder(api.uri("/v1/openapi.yaml")).build()).statusCode());

      JsonNode after = metrics(api);
      assertEquals(1, count(after, "POST /v1/uploads", "2xx"));
      assertEquals(2, count(after, UPLOAD, "2xx"));
      assertEquals(2, count(after, UPLOAD, "4xx"));
      assertEquals(0, count(after, UPLOAD, "5xx"));
      assertEquals(
          4, after.at("/timers/http." + UPLOAD.replace("/", "~1") + ".requests/count").asLong());
      assertEquals(1, count(after, EndpointMetrics.UNMATCHED, "4xx"));
      assertEquals(1, count(after, "GET /v1/openapi.yaml", "2xx"));

      String scrape = api.send(HttpRequest.newBuilder(api.adminUri("/prometheus")).build()).body();
      assertTrue(
          scrape.contains(
              "http_responses_total{endpoint=\"GET /v1/uploads/{id}\",status=\"4xx\",} 2.0"),
          scrape);
      assertTrue(
          scrape.contains(
              "http_request_duration_seconds_count{endpoint=\"GET /v1/uploads/{id}\",} 4.0"),
          scrape);
      assertTrue(
          scrape.contains(
              "http_request_duration_seconds{endpoint=\"GET /v1/openapi.yaml\",quantile=\"0.99\",}"),
          scrape);
    }
  }

  private static JsonNode metrics(TestApi api) throws Exception {
    return new ObjectMapper()
        .readTree(api.send(HttpRequest.newBuilder(api.adminUri("/metrics")).build()).body());
  }

  private static long count(JsonNode metrics, String endpoint, String statusClass) {
    JsonNode meter = metrics.get("meters").get("http." + endpoint + ".responses." + statusClass);
    return meter == null ? -1 : meter.get("count").asLong();
  }
}
