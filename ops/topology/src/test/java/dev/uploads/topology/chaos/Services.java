package dev.uploads.topology.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.topology.Topology;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;

/**
 * What the services say of themselves once the run drained: every replica and worker healthy (a job
 * whose consumer loop had stopped for good would go unnoticed by the other checks while the other
 * worker did its share), and the meters of the fences and restarts: rows a relay left to a shard's
 * new owner ({@code relay.fenced}), offsets a job could not commit because its group moved
 * partitions ({@code job.*.commits-refused}) and consumer loops started again ({@code
 * job.*.restarts}).
 */
final class Services {
  private Services() {}

  static void check(Topology topology, Reconciliation reconciliation) {
    long fenced = 0;
    for (GenericContainer<?> api : topology.apis) {
      healthy(api, "/healthcheck", reconciliation);
      fenced += count(meters(api, "/metrics", reconciliation), "relay.fenced");
    }
    long refused = 0;
    long restarts = 0;
    for (GenericContainer<?> worker : topology.workers) {
      healthy(worker, "/admin/healthcheck", reconciliation);
      JsonNode meters = meters(worker, "/admin/metrics", reconciliation);
      refused += count(meters, ".commits-refused");
      restarts += count(meters, ".restarts");
    }
    reconciliation.figures.put("relay_rows_fenced", fenced);
    reconciliation.figures.put("job_commits_refused", refused);
    reconciliation.figures.put("job_consumer_restarts", restarts);
  }

  private static void healthy(GenericContainer<?> service, String path, Reconciliation into) {
    try {
      int status =
          Live.get(Live.url(service, 8081) + path, null, Duration.ofSeconds(10)).statusCode();
      if (status != 200) {
        into.discrepancies.add(
            name(service) + " is not healthy after the drain: " + path + " " + status);
      }
    } catch (Exception e) {
      into.discrepancies.add(name(service) + " does not answer " + path + " after the drain: " + e);
    }
  }

  /** The service's meters (an empty node, and a discrepancy, when it gives none). */
  private static JsonNode meters(GenericContainer<?> service, String path, Reconciliation into) {
    try {
      return Live.JSON
          .readTree(Live.get(Live.url(service, 8081) + path, null, Duration.ofSeconds(10)).body())
          .path("meters");
    } catch (Exception e) {
      into.discrepancies.add("no metrics from " + name(service) + ": " + e);
      return Live.JSON.createObjectNode();
    }
  }

  /** The sum of the counts of the meters whose names end with {@code suffix}. */
  private static long count(JsonNode meters, String suffix) {
    long sum = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = meters.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> meter = it.next();
      if (meter.getKey().endsWith(suffix)) {
        sum += meter.getValue().path("count").asLong();
      }
    }
    return sum;
  }

  private static String name(GenericContainer<?> service) {
    return service.getLabels().get(Topology.LABEL + ".name");
  }
}
