package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * What Prometheus scrapes from the admin port: the dead-letter gauges under the names and labels
 * that the alert rules in {@code ops/alerts} use, with the values the table holds. That every
 * rule's query names exported series is DashboardMetricsTest's (ops/stack), for all of them.
 */
class PrometheusTest {
  // name{labels} value, as in Prometheus' text format (0.0.4)
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

  @Test
  void deadLetterGaugesAreScrapedUnderTheNamesTheAlertsUse() throws Exception {
    try (TestApi api = TestApi.start(false)) {
      api.jdbi.useHandle(
          h -> {
            letter(h, "open", "2 hours", 1);
            letter(h, "parked", "10 minutes", 2);
            letter(h, "resolved", "3 hours", 3);
          });

      Map<String, Double> scrape = awaitScrape(api);
      assertEquals(1.0, scrape.get("dead_letters_open{uploads_job=emails}"));
      assertEquals(1.0, scrape.get("dead_letters_parked{uploads_job=emails}"));
      assertEquals(0.0, scrape.get("dead_letters_replaying{uploads_job=emails}"));
      double age = scrape.get("dead_letters_oldest_open_age_seconds{uploads_job=emails}");
      assertTrue(
          age >= 7200 && age < 7260, "the open letter's age, not the resolved one's: " + age);
      assertEquals(0.0, scrape.get("dead_letters_open{uploads_job=thumbnails}"));
      assertEquals(0.0, scrape.get("dead_letters_oldest_open_age_seconds{uploads_job=stats}"));
    }
  }

  private static void letter(Handle h, String status, String age, int offset) {
    h.createUpdate(
            """
            INSERT INTO dead_letters (job, status, headers, source_topic, source_partition,
                source_offset, consumer_group, exception_class, fingerprint, attempts,
                attempt_count, first_failed_at, last_failed_at)
            VALUES ('emails', :status, '{}', 'uploads', 0, :offset, 'emails',
                'java.io.IOException', 'f', '[]', 3, now() - CAST(:age AS interval), now())
            """)
        .bind("status", status)
        .bind("age", age)
        .bind("offset", offset)
        .execute();
  }

  /** The scrape as {@code name{label=value,...}} to value, once the gauges saw the rows. */
  private static Map<String, Double> awaitScrape(TestApi api) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Map<String, Double> scrape;
    do {
      var response = api.send(HttpRequest.newBuilder(api.adminUri("/prometheus")).build());
      assertEquals(200, response.statusCode());
      assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
      scrape = parse(response.body());
      if (Double.valueOf(1.0).equals(scrape.get("dead_letters_open{uploads_job=emails}"))) {
        return scrape;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < deadline);
    return scrape;
  }

  private static Map<String, Double> parse(String body) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : body.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (line.startsWith("#") || !sample.matches()) {
        continue;
      }
      Set<String> labels = new TreeSet<>();
      Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
      while (label.find()) {
        labels.add(label.group(1) + "=" + label.group(2));
      }
      String key = sample.group(1) + (labels.isEmpty() ? "" : "{" + String.join(",", labels) + "}");
      samples.put(key, Double.valueOf(sample.group(3)));
    }
    return samples;
  }
}
