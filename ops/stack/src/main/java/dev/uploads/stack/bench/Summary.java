package dev.uploads.stack.bench;

/** Turns the measurements into the report's figures, targets and notes (the JSON: ResultJson). */
final class Summary {
  static final double INGEST_SHARE_OF_PGBENCH = 0.6;
  static final double DRAIN_EVENTS_PER_SECOND = 25_000;
  static final double ACK_P99_MILLIS = 50;

  private final BenchOptions options;
  private final Report report;

  Summary(BenchOptions options, Report report) {
    this.options = options;
    this.report = report;
  }

  void write(Phases.Results r) {
    ingest(r);
    drain(r.drain);
    ack(r);
    notes(r);
    ResultJson.add(report, r);
  }

  private void ingest(Phases.Results r) {
    LoadResult ingest = r.ingest;
    double rate = ingest.acceptedPerSecond();
    var tps = r.pgbench.tps();
    String name = "Ingest POST /v1/uploads (202/s)";
    if (tps.isPresent()) {
      double needed = INGEST_SHARE_OF_PGBENCH * tps.get();
      report.figure(
          name,
          String.format("%.0f /s", rate),
          String.format(">= 0.6 x pgbench = %.0f /s", needed),
          rate >= needed);
    } else {
      report.figure(name, String.format("%.0f /s", rate), ">= 0.6 x pgbench (missing)", null);
    }
    report.figure(
        "Ingest latency p50 / p99",
        String.format("%.1f / %.1f ms", ingest.p50Millis(), ingest.p99Millis()),
        "",
        null);
    report.figure("Ingest errors (non-202 + I/O)", errors(ingest), "", null);
    if (tps.isPresent()) {
      report.figure(
          "pgbench, API upload transaction (TPS)",
          String.format("%.0f /s", tps.get()),
          "reference",
          null);
      double ratio = rate / tps.get();
      report.figure(
          "Ingest / pgbench",
          String.format("%.2f", ratio),
          ">= 0.60",
          ratio >= INGEST_SHARE_OF_PGBENCH);
    } else {
      report.missing("pgbench, API upload transaction (TPS)", "reference", r.pgbench.note());
      report.missing("Ingest / pgbench", ">= 0.60", "no pgbench figure");
    }
  }

  private void drain(RelayDrain.Result d) {
    String target = String.format(">= %,.0f /s", DRAIN_EVENTS_PER_SECOND);
    if (d.drained()) {
      double rate = d.eventsPerSecond();
      report.figure(
          "Relay drain (events/s)",
          String.format("%.0f /s", rate),
          target,
          rate >= DRAIN_EVENTS_PER_SECOND);
    } else {
      report.missing(
          "Relay drain (events/s)",
          target,
          String.format("the outbox was not empty after %.0f s", d.drainSeconds()));
    }
    report.figure(
        "Records on the drain topic",
        String.format("%,d", d.recordsOnTopic()),
        String.format(">= %,d", d.backlog()),
        d.recordsOnTopic() >= d.backlog());
  }

  private void ack(Phases.Results r) {
    String target = String.format("p99 < %.0f ms", ACK_P99_MILLIS);
    if (r.ackAfter == null) {
      report.missing("Commit -> Kafka ack p50 / p99", target, "the phase did not run");
      return;
    }
    report.figure(
        String.format("Commit -> Kafka ack p50 / p99 (at %.0f/s)", r.ackRate),
        String.format("%.1f / %.1f ms", r.ackAfter.p50Millis(), r.ackAfter.p99Millis()),
        target,
        r.ackAfter.p99Millis() < ACK_P99_MILLIS);
    report.figure(
        "Commit -> ack samples (202s sent)",
        String.format("%,d (%,d)", r.ackAfter.count() - r.ackBefore.count(), r.paced.accepted()),
        "",
        null);
    report.figure(
        "Open-loop client latency p50 / p99",
        String.format("%.1f / %.1f ms", r.paced.p50Millis(), r.paced.p99Millis()),
        "",
        null);
    report.figure("Open-loop errors (non-202 + I/O)", errors(r.paced), "", null);
  }

  private void notes(Phases.Results r) {
    report.note(
        "The API's relay runs during ingest and pgbench: both include publishing to Kafka."
            + (r.afterIngest.lagAtStart().isEmpty()
                ? ""
                : " The stack's worker (jobs "
                    + r.afterIngest.lagAtStart().keySet()
                    + ") runs in this JVM too and consumes the uploads' events."));
    report.note(
        String.format(
            "Ingest: %d connections, closed loop, %d s measured after %d s warm-up, %.0f-byte JPEGs;"
                + " load generator used %.2f cores; when it ended: outbox %d rows, worker lag %s;"
                + " caught up after %.0f s%s.",
            options.concurrency(),
            options.duration().toSeconds(),
            options.warmup().toSeconds(),
            r.jpegBytes,
            r.ingest.loadGeneratorCores(),
            r.outboxAfterIngest,
            r.afterIngest.lagAtStart(),
            r.afterIngest.seconds(),
            r.afterIngest.quiet() ? "" : " (NOT caught up: later phases ran beside its backlog)"));
    report.note(
        "pgbench: "
            + r.pgbench.note()
            + r.pgbench
                .latencyAverageMillis()
                .map(l -> String.format(", latency average %.1f ms", l))
                .orElse("")
            + "; its events go to topic "
            + Phases.PGBENCH_TOPIC
            + " (the worker ignores them).");
    report.note(
        String.format(
            "Relay drain: topic %s (6 partitions), prefill %.1f s, payload avg %.0f bytes, drained in"
                + " %.1f s by one relay with default settings; its busiest threads (cores): %s.",
            r.drain.topic(),
            r.drain.prefillSeconds(),
            r.drain.payloadBytes(),
            r.drain.drainSeconds(),
            r.drain.threadCores()));
    if (r.ackAfter != null) {
      report.note(
          String.format(
              "Commit -> ack: the relay's relay.commit-to-ack timer (1-minute window, unit %s) read"
                  + " %.0f s after the open-loop phase; it holds this phase's events only, the"
                  + " worker's included.",
              r.ackAfter.durationUnit(), r.afterPaced.seconds()));
    }
    report.note("CPU ingest: " + Cpu.describe(r.ingestCpu));
    report.note("CPU pgbench: " + Cpu.describe(r.pgbenchCpu));
    report.note("CPU relay drain: " + Cpu.describe(r.drainCpu));
    report.note("CPU commit -> ack: " + Cpu.describe(r.pacedCpu));
  }

  static String errors(LoadResult load) {
    String detail = load.otherStatuses().isEmpty() ? "" : " " + load.otherStatuses();
    return load.errors() + detail + (load.ioErrors() > 0 ? " (" + load.ioErrors() + " I/O)" : "");
  }
}
