package dev.uploads.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.bench.jobs.BenchInfra;
import dev.uploads.bench.jobs.ProcessCpu;
import dev.uploads.bench.jobs.StatsPhase;
import dev.uploads.bench.jobs.UploadsTopic;
import dev.uploads.bench.stack.Pgbench;
import dev.uploads.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stats job draining a backlog of upload.received events ({@link StatsPhase}, the worker's own
 * code, stats alone), against Kafka's ConsumerPerformance reading as many records of the same
 * topic, and pgbench running the job's transaction ({@link StatsTransactionScript}) with as many
 * clients as the job has lanes. Both rates include starting: the worker's start and group join, the
 * tool's group join.
 */
final class StatsScenario {
  private static final int WARMUP_EVENTS = 5_000;

  private final Context ctx;
  private final Figure vsConsumer;
  private final Figure vsPgbench;

  StatsScenario(Context ctx) {
    this.ctx = ctx;
    SuiteOptions o = ctx.options();
    String what =
        String.format(
            "stats events/s, %,d-event backlog, %d lanes", o.statsEvents(), o.statsConcurrency());
    vsConsumer =
        ctx.report()
            .add(
                new Figure(
                    "consumer",
                    what,
                    "/s",
                    "ConsumerPerformance, the same records",
                    Figure.Target.ratioAtLeast(0.7)))
            .cpuBasis(
                "ours: worker JVM + PostgreSQL + broker; ConsumerPerformance: tool JVM + broker");
    vsPgbench =
        ctx.report()
            .add(
                new Figure(
                    "consumer",
                    what,
                    "/s",
                    String.format(
                        "pgbench, the job's transaction (%d events), %d clients",
                        StatsTransactionScript.EVENTS, o.statsConcurrency()),
                    Figure.Target.ratioAtLeast(0.7)))
            .cpuBasis("ours: worker JVM + PostgreSQL + broker; pgbench: PostgreSQL + pgbench");
  }

  void run(BenchInfra infra, UploadsTopic topic, ProcessCpu processes, SystemCpu cpu)
      throws Exception {
    SuiteOptions o = ctx.options();
    ctx.say("consumer: warm-up, " + WARMUP_EVENTS + " events (not measured)");
    StatsPhase.warmUp(infra, topic, WARMUP_EVENTS, ctx.timeout(Duration.ofSeconds(60)));
    Path script =
        Files.writeString(
            Files.createDirectories(ctx.data().resolve("pgbench-stats")).resolve("stats-tx.sql"),
            StatsTransactionScript.script(
                infra.accounts.stream().map(BenchInfra.Account::id).toList()));
    Duration round = Duration.ofSeconds(60 + o.statsEvents() / 1_000L + o.pgbenchSeconds());
    for (int r = 1; r <= o.rounds(); r++) {
      if (r > 1 && !ctx.fits(round)) {
        vsConsumer.remark("rounds " + r + ".." + o.rounds() + " not run: time budget");
        break;
      }
      int n = r;
      List<Step> steps =
          new ArrayList<>(
              List.of(
                  () -> ours(infra, topic, processes, n),
                  () -> consumerPerformance(infra, cpu, n),
                  () -> pgbench(infra, cpu, script, n)));
      if (r % 2 == 0) {
        java.util.Collections.reverse(steps);
      }
      for (Step step : steps) {
        step.run();
      }
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private void ours(BenchInfra infra, UploadsTopic topic, ProcessCpu processes, int round)
      throws Exception {
    SuiteOptions o = ctx.options();
    StatsPhase.Run run =
        StatsPhase.run(
            infra,
            topic,
            processes,
            o.statsConcurrency(),
            o.statsEvents(),
            ctx.timeout(Duration.ofSeconds(120)),
            ctx.say());
    Map<String, Double> cores = run.cores();
    double cpuSeconds =
        (cores.get("jvm") + cores.get("kafka") + cores.get("postgres")) * run.seconds();
    Double per1000 = SystemCpu.Use.per1000(cpuSeconds, run.done());
    vsConsumer.ours(run.perSecond(), per1000);
    vsPgbench.ours(run.perSecond(), per1000);
    if (!run.finished()) {
      vsConsumer.remark(
          "round " + round + ": the backlog was not drained within its time box; rate of what was");
    }
    if (run.finished() && (run.counted() != run.done() || run.deadLetters() > 0)) {
      throw new IllegalStateException(
          "stats counted "
              + run.counted()
              + " of "
              + run.done()
              + " events, "
              + run.deadLetters()
              + " dead letters");
    }
    ctx.report().detail("consumer_stats", Map.of("round", round, "run", run));
  }

  private void consumerPerformance(BenchInfra infra, SystemCpu cpu, int round) throws Exception {
    int records = ctx.options().statsEvents();
    SystemCpu.Sample a = cpu.sample();
    try {
      JsonNode r =
          References.json(
              References.CONSUMER_PERF,
              List.of(infra.kafka.bootstrapServers(), Topics.UPLOADS, Integer.toString(records)),
              Duration.ofSeconds(180 + records / 5_000),
              ctx.data().resolve("references/consumer-perf-" + round));
      SystemCpu.Use use = SystemCpu.between(a, cpu.sample());
      vsConsumer.theirs(
          r.path("records_per_second").asDouble(),
          SystemCpu.Use.per1000(
              r.path("cpu_seconds").asDouble() + use.kafka(), r.path("records").asDouble()));
      ctx.report()
          .detail(
              "consumer_performance",
              Map.of("round", round, "result", r, "cpu_seconds", use.json()));
      ctx.say(
          String.format(
              "   ConsumerPerformance round %d: %,.0f records/s",
              round, r.path("records_per_second").asDouble()));
    } catch (References.NotAvailable e) {
      vsConsumer.theirsMissing(e.getMessage());
    }
  }

  private void pgbench(BenchInfra infra, SystemCpu cpu, Path script, int round) throws Exception {
    SuiteOptions o = ctx.options();
    SystemCpu.Sample a = cpu.sample();
    Pgbench.Result result =
        Pgbench.runScript(
            infra.postgres.port(),
            "uploads",
            script,
            o.statsConcurrency(),
            o.pgbenchSeconds(),
            script.getParent());
    SystemCpu.Use use = SystemCpu.between(a, cpu.sampleAfterClientsLeft(a));
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("round", round);
    detail.put("tps", result.tps().orElse(null));
    detail.put("note", result.note());
    detail.put("cpu_seconds", use.json());
    ctx.report().detail("consumer_pgbench", detail);
    if (result.tps().isEmpty()) {
      vsPgbench.theirsMissing(result.note());
      return;
    }
    double perTx = StatsTransactionScript.EVENTS;
    double events = result.tps().get() * perTx * o.pgbenchSeconds();
    vsPgbench.theirs(
        result.tps().get() * perTx, SystemCpu.Use.per1000(use.postgres() + use.children(), events));
    ctx.say(
        String.format(
            "   pgbench (stats) round %d: %.0f tps = %,.0f events/s",
            round, result.tps().get(), result.tps().get() * perTx));
  }
}
