package dev.uploads.topology.chaos;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one run: printed, and written as JSON to target/chaos-{stamp}.json, so that a long
 * run's results can be kept under ops/results/.
 */
final class ChaosReport {
  private ChaosReport() {}

  static Path write(
      ChaosConfig config,
      Load load,
      List<Faults.Fired> timeline,
      int lostCommits,
      long sinceLastFaultMs,
      long drainMs,
      Reconciliation reconciliation)
      throws IOException {
    ObjectNode json = Live.JSON.createObjectNode();
    json.put("seed", config.seed());
    json.put("load_seconds", config.load().toSeconds());
    json.put("rate_per_second", config.rate());
    json.put("outage_seconds", config.outage().toSeconds());
    json.put("worker_pause_seconds", config.workerPause().toSeconds());
    json.put("rounds", config.rounds());
    ObjectNode statuses = json.putObject("http_statuses");
    new TreeMap<>(load.statuses).forEach((s, n) -> statuses.put(s.toString(), n.sum()));
    json.put("connection_errors", load.connectionErrors.sum());
    json.put("retries", load.retries.sum());
    json.put("commit_replies_lost", lostCommits);
    ObjectNode figures = json.putObject("figures");
    reconciliation.figures.forEach(figures::put);
    json.put("last_fault_end_to_drained_ms", sinceLastFaultMs);
    json.put("load_end_to_drained_ms", drainMs);
    Map<String, Integer> byKind = new TreeMap<>();
    Map<String, Long> longest = new TreeMap<>();
    ArrayNode faults = json.putArray("faults");
    for (Faults.Fired fired : timeline) {
      byKind.merge(fired.kind().name(), 1, Integer::sum);
      longest.merge(fired.kind().name(), fired.recoveryMs(), Math::max);
      faults
          .addObject()
          .put("kind", fired.kind().name())
          .put("target", fired.target())
          .put("at_s", fired.at())
          .put("ended_at_s", fired.endedAt())
          .put("recovery_ms", fired.recoveryMs());
    }
    ObjectNode kinds = json.putObject("faults_by_kind");
    byKind.forEach(kinds::put);
    ObjectNode recoveries = json.putObject("longest_recovery_ms_by_kind");
    longest.forEach(recoveries::put);
    ArrayNode discrepancies = json.putArray("discrepancies");
    reconciliation.discrepancies.forEach(discrepancies::add);

    System.out.println("[chaos] ===== summary (seed " + config.seed() + ") =====");
    System.out.printf(
        "[chaos] uploads accepted %d (%d good, %d bad images), %d keys posted twice on purpose,"
            + " %d given up after retries, %d committed but never acknowledged%n",
        reconciliation.figures.get("accepted"),
        reconciliation.figures.get("accepted_good"),
        reconciliation.figures.get("accepted_bad"),
        reconciliation.figures.get("repeated_keys"),
        reconciliation.figures.get("abandoned"),
        reconciliation.figures.get("committed_but_unacknowledged"));
    System.out.printf(
        "[chaos] HTTP answers %s, connection errors %d, retries %d%n",
        statuses, load.connectionErrors.sum(), load.retries.sum());
    System.out.printf(
        "[chaos] faults by kind %s; COMMIT replies cut off at the fault proxy %d%n",
        byKind, lostCommits);
    System.out.printf("[chaos] longest recovery per kind (ms) %s%n", longest);
    System.out.printf(
        "[chaos] duplicates delivered: %d records on the uploads topic (of %d), %d mails (of %d);"
            + " effects applied: %d thumbnails, %d email_deliveries rows%n",
        reconciliation.figures.get("event_duplicates_on_topic"),
        reconciliation.figures.get("events_on_topic"),
        reconciliation.figures.get("mail_duplicates"),
        reconciliation.figures.get("mails_received"),
        reconciliation.figures.get("thumbnails"),
        reconciliation.figures.get("email_deliveries"));
    System.out.printf(
        "[chaos] fences and restarts: %d outbox rows a relay left to a shard's new owner,"
            + " %d job commits refused after the group moved partitions, %d job consumers"
            + " started again%n",
        reconciliation.figures.get("relay_rows_fenced"),
        reconciliation.figures.get("job_commits_refused"),
        reconciliation.figures.get("job_consumer_restarts"));
    System.out.printf(
        "[chaos] all drained %d ms after the last fault ended, %d ms after the load ended;"
            + " lost %d; order inversions %d;"
            + " discrepancies %d%n",
        sinceLastFaultMs,
        drainMs,
        reconciliation.figures.get("lost"),
        reconciliation.figures.getOrDefault("order_inversions", 0L),
        reconciliation.discrepancies.size());

    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path file = Path.of("target", "chaos-" + stamp + ".json");
    Files.createDirectories(file.getParent());
    Files.write(
        file, Live.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(json));
    System.out.println("[chaos] results in " + file.toAbsolutePath());
    return file;
  }

  /** The seed, the timeline and the first discrepancy: what replaying a failed run needs. */
  static String failure(
      ChaosConfig config, List<Faults.Fired> timeline, List<String> discrepancies) {
    StringBuilder text = new StringBuilder("chaos run with seed " + config.seed() + " failed\n");
    text.append("fault timeline:\n");
    timeline.forEach(
        f ->
            text.append(
                "  t=%.1f s %s %s until %.1f s, recovery %d ms%n"
                    .formatted(f.at(), f.kind(), f.target(), f.endedAt(), f.recoveryMs())));
    text.append("first discrepancy: ").append(discrepancies.get(0));
    text.append("\n(").append(discrepancies.size()).append(" in all)");
    return text.toString();
  }
}
