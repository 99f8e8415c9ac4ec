package dev.uploads.ops.deadletters;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.uploads.schema.LetterStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per job, the dead letters that still need an operator, as gauges to alert on: {@code
 * dead-letters.<job>.open}, {@code .parked}, {@code .replaying} (counts) and {@code
 * .oldest-open-age-seconds} (how long the oldest open or parked letter has been failing, 0 when
 * there is none). One query refreshes all of them, at most every 5 seconds, so scrapes stay cheap.
 */
public final class DeadLetterGauges {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterGauges.class);
  private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final String BACKLOG =
      """
      SELECT job,
             count(*) FILTER (WHERE status = :open) AS open,
             count(*) FILTER (WHERE status = :parked) AS parked,
             count(*) FILTER (WHERE status = :replaying) AS replaying,
             coalesce(extract(epoch FROM now() - min(first_failed_at)
                                  FILTER (WHERE status IN (:open, :parked))), 0) AS oldest_age
        FROM dead_letters
       WHERE status IN (:open, :parked, :replaying)
       GROUP BY job
      """;

  private final Jdbi jdbi;
  private long nextRefresh = System.nanoTime();
  private Map<String, Backlog> backlogs;

  public DeadLetterGauges(Jdbi jdbi, MetricRegistry registry, List<String> jobs) {
    this.jdbi = jdbi;
    for (String job : jobs) {
      register(registry, job, "open", Backlog::open);
      register(registry, job, "parked", Backlog::parked);
      register(registry, job, "replaying", Backlog::replaying);
      register(registry, job, "oldest-open-age-seconds", Backlog::oldestAgeSeconds);
    }
  }

  private void register(
      MetricRegistry registry, String job, String what, Function<Backlog, Number> value) {
    registry.register(
        MetricRegistry.name("dead-letters", job, what),
        (Gauge<Number>)
            () -> {
              Map<String, Backlog> all = backlogs();
              return all == null ? null : value.apply(all.getOrDefault(job, Backlog.NONE));
            });
  }

  /**
   * The backlog of every job with letters to handle; null until the first query succeeds.
   *
   * <p>When the database fails, the gauges keep the last values they read (they never throw, which
   * would fail the whole scrape): the outage is the database health check's to report, and a
   * made-up value such as -1 would end the dead-letter alerts during it and look like a rise, which
   * fires one, when the database is back. Before the first successful read the gauges have no
   * value, and Prometheus sees no series rather than a false 0.
   */
  private synchronized Map<String, Backlog> backlogs() {
    long now = System.nanoTime();
    if (now - nextRefresh >= 0) {
      nextRefresh = now + REFRESH_NANOS;
      try {
        backlogs =
            jdbi.withHandle(
                h ->
                    h.createQuery(BACKLOG)
                        .bind("open", LetterStatus.OPEN.label())
                        .bind("parked", LetterStatus.PARKED.label())
                        .bind("replaying", LetterStatus.REPLAYING.label())
                        .map(
                            (rs, ctx) ->
                                new Backlog(
                                    rs.getString("job"),
                                    rs.getLong("open"),
                                    rs.getLong("parked"),
                                    rs.getLong("replaying"),
                                    rs.getDouble("oldest_age")))
                        .collect(Collectors.toMap(Backlog::job, b -> b)));
      } catch (JdbiException e) {
        LOG.warn("dead-letter gauges keep their last values: {}", e.toString());
      }
    }
    return backlogs;
  }

  private record Backlog(
      String job, long open, long parked, long replaying, double oldestAgeSeconds) {
    static final Backlog NONE = new Backlog("", 0, 0, 0, 0.0);
  }
}
