package dev.uploads.worker.runtime;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import com.codahale.metrics.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per job, on the admin port: processed, duplicates, retries, dead letters, the outcomes of
 * operator replays, latency, lag, offsets refused after a rebalance, consumer restarts, and how
 * many events each batch transaction applied.
 */
public final class JobMetrics {
  final Meter processed;
  final Meter duplicates;
  final Meter retried;
  final Meter deadLettered;
  final Meter replayResolved;
  final Meter replayFailed;
  final Meter replayParked;
  final Timer latency;
  final Meter commitsRefused;
  final Meter restarts;
  final Histogram batchSize;
  private final AtomicLong lag = new AtomicLong();

  public JobMetrics(MetricRegistry registry, String job) {
    processed = registry.meter(MetricRegistry.name("job", job, "processed"));
    duplicates = registry.meter(MetricRegistry.name("job", job, "skipped-duplicate"));
    retried = registry.meter(MetricRegistry.name("job", job, "retried"));
    deadLettered = registry.meter(MetricRegistry.name("job", job, "dead-lettered"));
    replayResolved = registry.meter(MetricRegistry.name("job", job, "replay-resolved"));
    replayFailed = registry.meter(MetricRegistry.name("job", job, "replay-failed"));
    replayParked = registry.meter(MetricRegistry.name("job", job, "replay-parked"));
    latency =
        registry.timer(
            MetricRegistry.name("job", job, "latency"),
            () -> new Timer(new SlidingTimeWindowArrayReservoir(1, TimeUnit.MINUTES)));
    registry.register(MetricRegistry.name("job", job, "consumer-lag"), (Gauge<Long>) lag::get);
    commitsRefused = registry.meter(MetricRegistry.name("job", job, "commits-refused"));
    restarts = registry.meter(MetricRegistry.name("job", job, "restarts"));
    batchSize =
        registry.histogram(
            MetricRegistry.name("job", job, "batch-size"),
            () -> new Histogram(new SlidingTimeWindowArrayReservoir(1, TimeUnit.MINUTES)));
  }

  /** The group moved partitions while a batch was applied, and refused its offsets. */
  void commitRefused() {
    commitsRefused.mark();
  }

  /** The consumer loop failed and a new consumer was started. */
  void restarted() {
    restarts.mark();
  }

  void lag(long records) {
    lag.set(records);
  }

  public long processedCount() {
    return processed.getCount();
  }

  public long retriedCount() {
    return retried.getCount();
  }

  public long deadLetteredCount() {
    return deadLettered.getCount();
  }

  public long duplicateCount() {
    return duplicates.getCount();
  }
}
