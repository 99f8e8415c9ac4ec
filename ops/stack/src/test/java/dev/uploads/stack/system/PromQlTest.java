package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The check that holds alert rules and dashboard panels to what the services export. */
class PromQlTest {
  private static final Map<String, List<Map<String, String>>> SCRAPE =
      Scrape.parse(
          """
          # HELP job_processed_total Generated from Dropwizard metric import
          # TYPE job_processed counter
          job_processed_total{uploads_job="emails",} 3.0
          job_processed_total{uploads_job="stats",} 7.0
          # TYPE job_latency summary
          job_latency{uploads_job="emails",quantile="0.99",} 0.2
          job_latency_count{uploads_job="emails",} 3.0
          http_responses_total{endpoint="GET /v1/uploads/{id}",status="5xx",} 0.0
          outbox_depth 4.0
          """);

  @Test
  void readsSelectorsPastFunctionsRangesNumbersStringsAndVariables() {
    PromQl q =
        PromQl.parse(
            """
            sum by (uploads_job) (rate(job_processed_total{uploads_job=~"emails|stats"}[$__rate_interval]))
              / on (uploads_job) group_left max without (instance) (job_latency{quantile="0.99"}) > 14.4 * 1e-2
            and label_replace(outbox_depth, "x", "$1", "y", "(.*)") offset 5m
            or count(max_over_time(job_latency_count[15m:1m])) by (uploads_job)
            """);
    assertEquals(
        List.of("job_processed_total", "job_latency", "outbox_depth", "job_latency_count"),
        q.selectors.stream().map(PromQl.Selector::name).toList());
    assertEquals(
        List.of(new PromQl.LabelMatcher("uploads_job", "=~", "emails|stats")),
        q.selectors.get(0).matchers());
    assertEquals(Set.of("uploads_job", "instance"), q.grouping);
    assertEquals(List.of(), q.problems(SCRAPE));
  }

  @Test
  void findsMisspeltNamesLabelsAndValues() {
    assertEquals(
        List.of("no metric job_procesed_total"),
        PromQl.parse("sum(rate(job_procesed_total[5m]))").problems(SCRAPE));
    // A family's name is not a series': Prometheus stores the samples' names.
    assertEquals(
        List.of("no metric job_processed"),
        PromQl.parse("rate(job_processed[5m])").problems(SCRAPE));
    assertEquals(
        List.of("job_processed_total has no label upload_job"),
        PromQl.parse("job_processed_total{upload_job=\"emails\"}").problems(SCRAPE));
    assertEquals(
        List.of("job_processed_total has no series with uploads_job=\"email\""),
        PromQl.parse("job_processed_total{uploads_job=~\"email|stats\"}").problems(SCRAPE));
    assertEquals(
        List.of("http_responses_total has no series with status=\"500\""),
        PromQl.parse("http_responses_total{status=\"500\"}").problems(SCRAPE));
    assertEquals(
        List.of("no metric of the expression has the label upload_job it groups by"),
        PromQl.parse("max by (upload_job) (job_processed_total)").problems(SCRAPE));
  }

  @Test
  void takesPrometheusTargetLabelsAndLabelValuesWithBraces() {
    assertEquals(
        List.of(),
        PromQl.parse(
                "max by (instance, job) (http_responses_total{endpoint=\"GET /v1/uploads/{id}\","
                    + " job=\"api\"})")
            .problems(SCRAPE));
  }
}
