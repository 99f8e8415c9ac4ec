package dev.uploads.bench.suite;

import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.kit.Figure;
import dev.uploads.bench.reference.Pgbench;
import dev.uploads.bench.stack.KafkaTopics;
import dev.uploads.bench.stack.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;

/**
 * Ingest: the highest fixed rate at which {@code POST /v1/uploads} keeps p99 ≤ 50 ms with every
 * upload accepted (a {@link RateSearch} of open-loop steps), against pgbench running the API's own
 * upload transaction with as many clients as the API's pool has connections. The API's relay
 * publishes the events of both; the worker is stopped for the whole scenario. Rounds alternate
 * which of the two goes first. Before each step the system finishes the previous step's work, so a
 * step is not charged for its predecessor's backlog.
 */
final class IngestScenario {
  static final double P99_MILLIS = 50;
  private static final String PGBENCH_TOPIC = "bench-pgbench";

  private final Context ctx;
  private final StackUnderTest s;
  private final Figure figure;

  IngestScenario(Context ctx, StackUnderTest s) {
    this.ctx = ctx;
    this.s = s;
    this.figure =
        ctx.report()
            .add(
                new Figure(
                    "ingest",
                    "uploads/s at p99 ≤ 50 ms",
                    "/s",
                    "pgbench, the API's transaction, " + s.poolSize + " clients",
                    Figure.Target.ratioAtLeast(0.3)))
            .cpuBasis(
                "ours: every process (the API with its relay in the suite's JVM, PostgreSQL,"
                    + " Kafka; the load generator's own JVM left out); the worker is stopped;"
                    + " pgbench: PostgreSQL and pgbench, with the API's relay publishing its"
                    + " events");
  }

  /**
   * Runs the rounds; returns the median limit, or empty when no rate passed. The worker is stopped
   * meanwhile: the figure is what the API accepts, as pgbench's is what the database commits, and
   * in production the worker does not share the API's cores. The end-to-end scenario runs them all.
   */
  OptionalDouble run() throws Exception {
    s.stopWorker();
    try {
      // At the start rate, with the worker stopped, until the JIT settles.
      s.warmUntilCompiled(
          ctx, "ingest", ctx.options().ingestStartRate(), ctx.options().ingestWarmupSeconds());
      return rounds();
    } finally {
      s.startWorkerSkippingBacklog();
    }
  }

  private OptionalDouble rounds() throws Exception {
    SuiteOptions o = ctx.options();
    try (KafkaTopics kafka = new KafkaTopics(s.stack.kafkaBootstrap())) {
      kafka.create(PGBENCH_TOPIC, 6);
    }
    List<Double> limits = new ArrayList<>();
    double[] start = {o.ingestStartRate()};
    ctx.rounds(
        "ingest",
        o.round("ingest"),
        r ->
            List.of(
                () -> {
                  Double limit = search(r, start[0]);
                  limits.add(limit);
                  start[0] = limit != null ? limit : start[0] / 2;
                },
                () -> pgbench(r)));
    Double median = Figure.median(limits);
    return median == null ? OptionalDouble.empty() : OptionalDouble.of(median);
  }

  private Double search(int round, double startRate) throws Exception {
    SuiteOptions o = ctx.options();
    RateSearch search = new RateSearch(startRate, o.ingestSteps());
    List<Step> steps = new ArrayList<>();
    LoadResult best = null;
    Cpu.Use bestCpu = null;
    double bestRate = 0;
    for (OptionalDouble rate = search.next(); rate.isPresent(); rate = search.next()) {
      s.settle(ctx.timeout(Duration.ofSeconds(60)));
      double r = rate.getAsDouble();
      int connections = (int) Math.min(512, Math.max(32, r / 4));
      Cpu.Sample a = s.cpu.sample();
      long jitBefore = StackUnderTest.JIT.getTotalCompilationTime();
      LoadResult load = s.load.openLoop(r, connections, Duration.ofSeconds(o.ingestStepSeconds()));
      Cpu.Use cpu = Cpu.between(a, s.cpu.sample());
      long jitMillis = StackUnderTest.JIT.getTotalCompilationTime() - jitBefore;
      long due = Math.round(r * o.ingestStepSeconds());
      boolean pass =
          load.errors() == 0 && load.accepted() >= due * 0.98 && load.p99Millis() <= P99_MILLIS;
      search.result(r, pass);
      steps.add(new Step(r, pass, jitMillis, load, cpu));
      ctx.say(
          "   ingest round %d: %.0f/s -> %d accepted, p99 %.1f ms, %d errors, JIT %.1f s: %s",
          round,
          r,
          load.accepted(),
          load.p99Millis(),
          load.errors(),
          jitMillis / 1000.0,
          pass ? "pass" : "fail");
      if (pass && r > bestRate) {
        best = load;
        bestCpu = cpu;
        bestRate = r;
      }
    }
    s.settle(ctx.timeout(Duration.ofSeconds(60)));
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("round", round);
    detail.put("steps", steps);
    detail.put(
        "limit_per_second", search.limit().isPresent() ? search.limit().getAsDouble() : null);
    ctx.report().detail("ingest", detail);
    if (best == null) {
      figure.ours(null, null);
      figure.remark(
          "round " + round + ": no rate passed, down to " + steps.get(steps.size() - 1).rate());
      return null;
    }
    if (search.lowestFailed().isEmpty()) {
      figure.remark("round " + round + ": the search ran out of steps still rising");
    }
    figure.ours(best.acceptedPerSecond(), Cpu.Use.per1000(bestCpu.all(), best.accepted()));
    return search.limit().getAsDouble();
  }

  /** One step of the search, for the results file. */
  private record Step(
      double rate, boolean pass, long jitCompilingMs, LoadResult load, Cpu.Use cpu) {}

  private void pgbench(int round) throws Exception {
    UUID account =
        UUID.fromString(
            Sql.queryString(s.uploadsDb, "SELECT id FROM accounts ORDER BY created_at LIMIT 1"));
    Path work = Files.createDirectories(ctx.data().resolve("pgbench-upload-" + round));
    Cpu.Sample a = s.cpu.sample();
    Pgbench.Result result =
        Pgbench.upload(
            s.ports.postgresPort(),
            "uploads",
            account,
            PGBENCH_TOPIC,
            s.poolSize,
            ctx.options().pgbenchSeconds(),
            work);
    Cpu.Use cpu = Cpu.between(a, s.cpu.sampleAfterClientsLeft(a));
    // The API's relay publishes pgbench's events meanwhile, as it would the API's.
    s.settle(ctx.timeout(Duration.ofSeconds(90)));
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("round", round);
    detail.put("tps", result.tps().orElse(null));
    detail.put("latency_average_ms", result.latencyAverageMillis().orElse(null));
    detail.put("note", result.note());
    detail.put("cpu_seconds", cpu);
    ctx.report().detail("ingest_pgbench", detail);
    if (result.tps().isEmpty()) {
      figure.theirsMissing(result.note());
      return;
    }
    double transactions = result.tps().get() * ctx.options().pgbenchSeconds();
    figure.theirs(
        result.tps().get(), Cpu.Use.per1000(cpu.postgres() + cpu.children(), transactions));
    ctx.say("   pgbench round %d: %.0f tps", round, result.tps().get());
  }
}
