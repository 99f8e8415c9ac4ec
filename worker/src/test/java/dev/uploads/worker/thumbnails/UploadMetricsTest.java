package dev.uploads.worker.thumbnails;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.codahale.metrics.MetricRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The buckets are cumulative, as the objective's ratio of two of them needs. */
class UploadMetricsTest {
  @Test
  void eachReadyUploadCountsInEveryBucketItFits() {
    MetricRegistry registry = new MetricRegistry();
    UploadMetrics metrics = new UploadMetrics(registry);
    metrics.ready(List.of(0.4, 1.0, 3.0, 45.0, 900.0));
    metrics.failed(UploadFailure.UNDECODABLE_IMAGE);

    Map<String, Long> expected =
        Map.of("1", 2L, "2", 2L, "5", 3L, "10", 3L, "30", 3L, "60", 4L, "600", 4L, "+Inf", 5L);
    expected.forEach(
        (bound, count) ->
            assertEquals(
                count,
                registry.meter("uploads.ready-within-seconds." + bound).getCount(),
                "within " + bound));
    assertEquals(1, registry.meter("uploads.failed.undecodable_image").getCount());
    assertEquals(0, registry.meter("uploads.failed.processing_failed").getCount());
  }
}
