package dev.uploads.api.relay;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import dev.uploads.api.outbox.OutboxDao;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * Outbox depth and the age of the oldest unpublished event, and a health check that fails when that
 * age passes a bound: events are committed but not reaching Kafka.
 */
public final class OutboxGauges extends HealthCheck {
  private final OutboxDao outbox;
  private final Duration maxOldestAge;

  public OutboxGauges(Jdbi jdbi, MetricRegistry registry, Duration maxOldestAge) {
    this.outbox = jdbi.onDemand(OutboxDao.class);
    this.maxOldestAge = maxOldestAge;
    registry.register(
        "outbox.depth",
        new CachedGauge<Long>(5, TimeUnit.SECONDS) {
          @Override
          protected Long loadValue() {
            return outbox.depth();
          }
        });
    registry.register(
        "outbox.oldest-age-seconds",
        new CachedGauge<Double>(1, TimeUnit.SECONDS) {
          @Override
          protected Double loadValue() {
            return outbox.oldestAgeSeconds().orElse(0.0);
          }
        });
  }

  @Override
  protected Result check() {
    double age = outbox.oldestAgeSeconds().orElse(0.0);
    if (age > maxOldestAge.toMillis() / 1000.0) {
      return Result.unhealthy(
          "oldest unpublished event is %.1f s old (bound %s)", age, maxOldestAge);
    }
    return Result.healthy("oldest unpublished event is %.1f s old", age);
  }
}
