package dev.uploads.bench.suite;

import dev.uploads.api.relay.RelaySettings;
import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.kit.Figure;
import dev.uploads.bench.kit.Report;
import dev.uploads.bench.reference.KafkaTools;
import dev.uploads.bench.stack.KafkaTopics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Commit → Kafka ack (relay) and upload → ready (end to end) at 25, 50 and 75 % of the ingest
 * limit, each level one {@link LevelRun}. References, alternating with ours: ProducerPerformance at
 * the same rate and record size (send → ack), and the sum of the level's ingest p99, the broker's
 * end-to-end p99 (EndToEndLatency, once per round) and the relay's wake-up interval.
 */
final class LoadLevels {
  private static final double[] FRACTIONS = {0.25, 0.5, 0.75};
  private static final String PRODUCER_TOPIC = "bench-producer-at-rate";
  private static final String E2E_TOPIC = "bench-end-to-end-latency";
  private static final int E2E_RECORDS = 1_000;

  /**
   * Where each upload's CPU went at each end-to-end level ({@link LevelRun#perUpload}), key → label
   * in the order of the table: CPU-ms per accepted upload over the load and until the system had
   * done its work, the median of the rounds. "every process" is the system with the rig, without
   * the load generator.
   */
  private static final Map<String, String> BREAKDOWN = new LinkedHashMap<>();

  static {
    BREAKDOWN.put("api-http", "API HTTP (Jetty dw- threads)");
    BREAKDOWN.put("relay", "relay (relay-, outbox- threads)");
    BREAKDOWN.put("kafka-broker", "Kafka broker (its JVM)");
    BREAKDOWN.put("kafka-client", "Kafka client threads");
    BREAKDOWN.put("thumbnails", "thumbnails job");
    BREAKDOWN.put("emails", "emails job");
    BREAKDOWN.put("stats", "stats job");
    BREAKDOWN.put("smtp", "SMTP server (in-process, the rig's MTA)");
    BREAKDOWN.put("jit", "JIT compiler");
    BREAKDOWN.put("gc", "GC (and VM Thread)");
    BREAKDOWN.put("other-jvm", "other JVM threads");
    BREAKDOWN.put("postgresql", "PostgreSQL (all its processes)");
    BREAKDOWN.put("other-children", "other child processes");
    BREAKDOWN.put("rig", "the rig (suite threads)");
    BREAKDOWN.put("every-process", "every process (all above)");
    BREAKDOWN.put("load-generator", "load generator JVM (not in every process)");
  }

  private final Context ctx;
  private final StackUnderTest s;
  private final double limit;
  private final boolean relay;
  private final boolean endToEnd;
  private final int recordBytes = RelayScenario.typicalRecordBytes();
  private final long wakeUpMs = new RelaySettings().getPollInterval().toMilliseconds();
  private final Map<Double, Figure[]> figures = new LinkedHashMap<>();
  private final Map<Double, List<Map<String, Double>>> breakdowns = new LinkedHashMap<>();
  private String brokerMissing;

  LoadLevels(Context ctx, StackUnderTest s, double limit, boolean relay, boolean endToEnd) {
    this.ctx = ctx;
    this.s = s;
    this.limit = limit;
    this.relay = relay;
    this.endToEnd = endToEnd;
    for (double f : FRACTIONS) {
      String at = String.format(" at %.0f %% (%.0f/s)", f * 100, rate(f));
      String producer = String.format("ProducerPerformance at %.0f/s, send → ack", rate(f));
      String sum = "ingest p99 + broker end-to-end p99 + relay wake-up " + wakeUpMs + " ms";
      Figure.Target e2eTarget = f == 0.5 ? Figure.Target.ratioAtMost(2.0) : null;
      double tolerance = Math.max(10, rate(f));
      figures.put(
          f,
          new Figure[] {
            new Figure("relay", "commit → ack p50" + at, "ms", producer, null),
            new Figure("relay", "commit → ack p99" + at, "ms", producer, null)
                .cpuBasis("ours: every process per upload; ProducerPerformance: tool JVM + broker"),
            new Figure("end to end", "upload → ready p50" + at, "ms", "", null),
            new Figure("end to end", "upload → ready p99" + at, "ms", sum, e2eTarget)
                .cpuBasis("every process, during the load and until its work was done"),
            new Figure(
                "end to end",
                "backlog growth" + at,
                "events",
                "",
                Figure.Target.valueAtMost(
                    tolerance, String.format("≤ %.0f (1 s of load)", tolerance)))
          });
    }
    figures.values().forEach(this::register);
  }

  private void register(Figure[] f) {
    if (relay) {
      ctx.report().add(f[0]);
      ctx.report().add(f[1]);
    }
    if (endToEnd) {
      ctx.report().add(f[2]);
      ctx.report().add(f[3]);
      ctx.report().add(f[4]);
    }
  }

  private double rate(double fraction) {
    return Math.max(1, Math.round(fraction * limit));
  }

  void run() throws Exception {
    try (KafkaTopics kafka = new KafkaTopics(s.stack.kafkaBootstrap())) {
      kafka.create(PRODUCER_TOPIC, 6);
      kafka.create(E2E_TOPIC, 1);
    }
    // Odd rounds run each level before its producer and the broker's end to end last; even rounds
    // the reverse. A round's figures are recorded once the broker's p99 is known.
    Map<Double, LevelRun> runs = new LinkedHashMap<>();
    Double[] brokerP99 = {null};
    ctx.rounds(
        "load levels",
        ctx.options().round("levels"),
        r -> {
          List<Context.Step> steps = new ArrayList<>();
          for (double f : FRACTIONS) {
            steps.add(() -> runs.put(f, level(r, f)));
            steps.add(() -> producer(r, f));
          }
          steps.add(() -> brokerP99[0] = brokerEndToEnd(r));
          return steps;
        },
        () -> runs.forEach((f, run) -> record(f, run, brokerP99[0])));
    if (endToEnd && !breakdowns.isEmpty()) {
      ctx.report()
          .addTable(
              "End to end: CPU-ms per upload by stage (median of rounds; load and its aftermath)",
              breakdownTable());
    }
  }

  private List<String[]> breakdownTable() {
    List<String[]> rows = new ArrayList<>();
    String[] head = new String[FRACTIONS.length + 1];
    head[0] = "stage";
    for (int i = 0; i < FRACTIONS.length; i++) {
      head[i + 1] = String.format("%.0f %%", FRACTIONS[i] * 100);
    }
    rows.add(head);
    BREAKDOWN.forEach(
        (key, label) -> {
          String[] row = new String[FRACTIONS.length + 1];
          row[0] = label;
          for (int i = 0; i < FRACTIONS.length; i++) {
            Double median =
                Figure.median(
                    breakdowns.getOrDefault(FRACTIONS[i], List.of()).stream()
                        .map(m -> m.getOrDefault(key, 0.0))
                        .toList());
            row[i + 1] = median == null ? "-" : String.format("%.2f", median);
          }
          rows.add(row);
        });
    return rows;
  }

  private LevelRun level(int round, double f) throws Exception {
    LevelRun run = LevelRun.measure(ctx, s, rate(f));
    ctx.report()
        .detail(
            "load_levels",
            Map.of(
                "round", round, "fraction", f, "run", run, "cpu_ms_per_upload", run.perUpload()));
    ctx.say(
        "   %.0f %% round %d: %.0f/s, HTTP p99 %.1f ms, commit→ack p99 %.1f ms,"
            + " ready p99 %s ms, backlog growth %s events",
        f * 100,
        round,
        run.rate(),
        run.http().p99Millis(),
        run.ack().p99Millis(),
        Report.value(run.readyP99Ms(), ""),
        Report.value(run.backlogGrowth(), ""));
    return run;
  }

  private void record(double fraction, LevelRun run, Double brokerP99) {
    breakdowns.computeIfAbsent(fraction, k -> new ArrayList<>()).add(run.perUpload());
    Figure[] f = figures.get(fraction);
    Double cpu = Cpu.Use.per1000(run.cpu().all(), run.http().accepted());
    boolean ackValid = run.ackSamples() > 0;
    f[0].ours(ackValid ? run.ack().p50Millis() : null, null);
    f[1].ours(ackValid ? run.ack().p99Millis() : null, cpu);
    f[2].ours(run.readyP50Ms(), null);
    f[3].ours(run.readyP99Ms(), cpu);
    f[4].ours(run.backlogGrowth(), null);
    if (!run.settled().quiet()) {
      f[3].remark(
          String.format(
              "the system had not finished the load's work %.0f s after it",
              run.settled().seconds()));
    }
    if (run.notReady() > 0) {
      f[3].remark(run.notReady() + " uploads of the load were not ready when the system settled");
    }
    if (brokerP99 == null) {
      f[3].theirsMissing(brokerMissing);
    } else {
      f[3].theirs(run.http().p99Millis() + brokerP99 + wakeUpMs, null);
    }
  }

  private void producer(int round, double fraction) throws InterruptedException {
    Figure[] f = figures.get(fraction);
    Cpu.Sample a = s.cpu.sample();
    try {
      double rate = rate(fraction);
      KafkaTools.Run l =
          KafkaTools.producer(
              s.stack.kafkaBootstrap(),
              PRODUCER_TOPIC,
              Math.max(1, Math.round(rate * ctx.options().referenceSeconds())),
              recordBytes,
              rate,
              ctx.data().resolve("references/producer-at-rate-" + round + "-" + fraction));
      Cpu.Use cpu = Cpu.between(a, s.cpu.sample());
      f[0].theirs(l.p50Ms(), null);
      f[1].theirs(l.p99Ms(), Cpu.Use.per1000(l.cpuSeconds() + cpu.kafka(), l.records()));
      ctx.report()
          .detail("producer_at_rate", Map.of("round", round, "fraction", fraction, "result", l));
    } catch (KafkaTools.NotAvailable e) {
      f[0].theirsMissing(e.getMessage());
      f[1].theirsMissing(e.getMessage());
    }
  }

  private Double brokerEndToEnd(int round) throws InterruptedException {
    try {
      KafkaTools.Run l =
          KafkaTools.endToEnd(
              s.stack.kafkaBootstrap(),
              E2E_TOPIC,
              E2E_RECORDS,
              recordBytes,
              ctx.data().resolve("references/end-to-end-latency-" + round));
      ctx.report().detail("broker_end_to_end", Map.of("round", round, "result", l));
      ctx.say(
          "   broker end-to-end round %d: p50 %.0f ms, p99 %.0f ms", round, l.p50Ms(), l.p99Ms());
      return l.p99Ms();
    } catch (KafkaTools.NotAvailable e) {
      brokerMissing = "(its broker end-to-end p99) " + e.getMessage();
      ctx.report()
          .detail("broker_end_to_end", Map.of("round", round, "not_available", e.getMessage()));
      return null;
    }
  }
}
