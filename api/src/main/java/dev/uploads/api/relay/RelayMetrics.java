package dev.uploads.api.relay;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import com.codahale.metrics.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** What the relay reports on the admin port. */
public final class RelayMetrics {
  private final Meter published;
  private final Meter publishErrors;
  private final Meter fenced;
  private final Timer commitToAck;
  private final AtomicInteger ownedShards = new AtomicInteger();

  public RelayMetrics(MetricRegistry registry) {
    published = registry.meter("relay.published");
    publishErrors = registry.meter("relay.publish-errors");
    fenced = registry.meter("relay.fenced");
    commitToAck =
        registry.timer(
            "relay.commit-to-ack",
            () -> new Timer(new SlidingTimeWindowArrayReservoir(1, TimeUnit.MINUTES)));
    registry.register("relay.owned-shards", (Gauge<Integer>) ownedShards::get);
  }

  void published(int count) {
    published.mark(count);
  }

  void publishFailed() {
    publishErrors.mark();
  }

  /**
   * Rows of shards whose lease lapsed during a cycle, left unsent or undeleted for the new owner.
   */
  void fenced(int rows) {
    fenced.mark(rows);
  }

  void acknowledged(long millisSinceCommit) {
    commitToAck.update(Math.max(0, millisSinceCommit), TimeUnit.MILLISECONDS);
  }

  void ownedShards(int count) {
    ownedShards.set(count);
  }
}
