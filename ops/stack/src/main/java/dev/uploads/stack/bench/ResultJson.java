package dev.uploads.stack.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The raw measurements behind the table, for the JSON file (so later runs can be compared). */
final class ResultJson {
  private ResultJson() {}

  static void add(Report report, Phases.Results r) {
    Map<String, Object> ingest = load(r.ingest);
    ingest.put("outbox_rows_at_end", r.outboxAfterIngest);
    ingest.put("catch_up", r.afterIngest);
    ingest.put("cpu", Cpu.json(r.ingestCpu));
    report.data("ingest", ingest);

    Map<String, Object> pgbench = new LinkedHashMap<>();
    pgbench.put("tps", r.pgbench.tps().orElse(null));
    pgbench.put("latency_average_ms", r.pgbench.latencyAverageMillis().orElse(null));
    pgbench.put("note", r.pgbench.note());
    pgbench.put("catch_up", r.afterPgbench);
    pgbench.put("cpu", Cpu.json(r.pgbenchCpu));
    report.data("pgbench", pgbench);

    Map<String, Object> drain = new LinkedHashMap<>();
    drain.put("events_per_second", r.drain.drained() ? r.drain.eventsPerSecond() : null);
    drain.put("measured", r.drain);
    drain.put("cpu", Cpu.json(r.drainCpu));
    report.data("relay_drain", drain);

    Map<String, Object> ack = new LinkedHashMap<>();
    ack.put("rate_per_second", r.ackRate);
    ack.put("relay_timer_after", r.ackAfter);
    ack.put("samples", r.ackAfter == null ? null : r.ackAfter.count() - r.ackBefore.count());
    ack.put("client", r.paced == null ? null : load(r.paced));
    ack.put("catch_up", r.afterPaced);
    ack.put("cpu", Cpu.json(r.pacedCpu));
    report.data("commit_to_ack", ack);
  }

  static Map<String, Object> load(LoadResult load) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("accepted", load.accepted());
    m.put("seconds", load.seconds());
    m.put("accepted_per_second", load.acceptedPerSecond());
    m.put("p50_ms", load.p50Millis());
    m.put("p99_ms", load.p99Millis());
    m.put("max_ms", load.accepted() == 0 ? null : load.latencyMicros().getMaxValue() / 1000.0);
    m.put("other_statuses", load.otherStatuses());
    m.put("io_errors", load.ioErrors());
    m.put("first_error", load.firstError());
    m.put("load_generator_cores", load.loadGeneratorCores());
    return m;
  }
}
