package dev.uploads.bench.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The relay's {@code relay.commit-to-ack} timer as the admin port reports it. The timer keeps a
 * one-minute sliding window, so its percentiles describe only the events acknowledged in the last
 * 60 s; its count is cumulative since start, so callers take the difference of two readings.
 */
public final class CommitToAck {
  static final String TIMER = "relay.commit-to-ack";

  public record Reading(long count, double p50Millis, double p99Millis, String durationUnit) {}

  private CommitToAck() {}

  public static Reading read(String adminUrl) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(adminUrl + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET /metrics answered " + response.statusCode());
    }
    JsonNode timer = new ObjectMapper().readTree(response.body()).path("timers").path(TIMER);
    if (timer.isMissingNode()) {
      throw new IOException("no timer " + TIMER + " in /metrics");
    }
    String unit = timer.path("duration_units").asText("seconds");
    double toMillis = millisPer(unit);
    return new Reading(
        timer.path("count").asLong(),
        timer.path("p50").asDouble() * toMillis,
        timer.path("p99").asDouble() * toMillis,
        unit);
  }

  /** Dropwizard names the unit in plain words (it reports seconds unless configured otherwise). */
  private static double millisPer(String unit) throws IOException {
    return switch (unit) {
      case "seconds" -> 1_000.0;
      case "milliseconds" -> 1.0;
      case "microseconds" -> 0.001;
      case "nanoseconds" -> 0.000_001;
      default -> throw new IOException("unknown duration unit '" + unit + "' in /metrics");
    };
  }
}
