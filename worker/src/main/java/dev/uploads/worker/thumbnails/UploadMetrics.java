package dev.uploads.worker.thumbnails;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How uploads end, counted after the commit that changes their status:
 *
 * <ul>
 *   <li>{@code uploads.ready-within-seconds.<bound>}: uploads made ready at most that many seconds
 *       after the API committed them, cumulative like a histogram's buckets ({@code +Inf} counts
 *       every one). The time is the database's, from the upload's {@code created_at}, so the clocks
 *       of the API and the worker do not enter it. The upload-to-ready objective in {@code
 *       ops/alerts} divides two of these.
 *   <li>{@code uploads.failed.<code>}: uploads marked failed, per failure code.
 * </ul>
 */
public final class UploadMetrics {
  private static final double[] BOUNDS = {
    1, 2, 5, 10, 30, 60, 120, 300, 600, Double.POSITIVE_INFINITY
  };

  private final Map<Double, Meter> readyWithin = new LinkedHashMap<>();
  private final Map<String, Meter> failed = new LinkedHashMap<>();

  public UploadMetrics(MetricRegistry registry) {
    for (double bound : BOUNDS) {
      String name = Double.isInfinite(bound) ? "+Inf" : Long.toString((long) bound);
      readyWithin.put(
          bound, registry.meter(MetricRegistry.name("uploads", "ready-within-seconds", name)));
    }
    for (String code :
        List.of(
            UploadFailure.UNSUPPORTED_IMAGE,
            UploadFailure.IMAGE_TOO_LARGE,
            UploadFailure.UNDECODABLE_IMAGE,
            UploadFailure.PROCESSING_FAILED)) {
      failed.put(code, registry.meter(MetricRegistry.name("uploads", "failed", code)));
    }
  }

  /** Uploads made ready, each this many seconds after it was received. */
  void ready(List<Double> secondsSinceReceived) {
    for (double seconds : secondsSinceReceived) {
      readyWithin.forEach(
          (bound, meter) -> {
            if (seconds <= bound) {
              meter.mark();
            }
          });
    }
  }

  void failed(String code) {
    failed.get(code).mark();
  }
}
