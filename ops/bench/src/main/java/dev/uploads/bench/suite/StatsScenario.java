package dev.uploads.bench.suite;

import dev.uploads.bench.jobs.BenchInfra;
import dev.uploads.bench.jobs.StatsPhase;
import dev.uploads.bench.jobs.UploadsTopic;
import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.kit.Figure;
import dev.uploads.bench.reference.KafkaTools;
import dev.uploads.bench.reference.Pgbench;
import dev.uploads.bench.reference.StatsTransactionScript;
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
 * code, stats alone) at each {@code --stats-concurrency} (lanes), against Kafka's
 * ConsumerPerformance reading as many records of the same topic, and pgbench running the job's
 * transaction ({@link StatsTransactionScript}) with as many clients as the job has lanes. Both
 * rates include the group join; neither includes starting its JVM or service.
 */
final class StatsScenario {
  private final Context ctx;
  private final Map<Integer, Figure[]> figures = new LinkedHashMap<>();

  StatsScenario(Context ctx) {
    this.ctx = ctx;
    SuiteOptions o = ctx.options();
    for (int lanes : o.statsConcurrency()) {
      String what =
          String.format("stats events/s, %,d-event backlog, %d lanes", o.statsEvents(), lanes);
      String pgbench =
          String.format(
              "pgbench, the job's transaction (%d events), %d clients",
              StatsTransactionScript.EVENTS, lanes);
      figures.put(
          lanes,
          new Figure[] {
            figure(
                what,
                "ConsumerPerformance, the same records",
                "ConsumerPerformance: tool JVM + broker"),
            figure(what, pgbench, "pgbench: PostgreSQL + pgbench")
          });
    }
  }

  private Figure figure(String what, String reference, String basis) {
    Figure figure = new Figure("consumer", what, "/s", reference, Figure.Target.ratioAtLeast(0.7));
    return ctx.report().add(figure).cpuBasis("ours: worker JVM + PostgreSQL + broker; " + basis);
  }

  void run(BenchInfra infra, UploadsTopic topic, Cpu cpu) throws Exception {
    SuiteOptions o = ctx.options();
    // Two untimed backlogs: the job's code compiled, as in a worker that has run a while.
    for (int pass = 1; pass <= 2; pass++) {
      ctx.say("consumer: warm-up %d, %,d events (not measured)", pass, o.statsEvents());
      StatsPhase.warmUp(infra, topic, o.statsEvents(), ctx.timeout(Duration.ofSeconds(60)));
    }
    Path script =
        Files.writeString(
            Files.createDirectories(ctx.data().resolve("pgbench-stats")).resolve("stats-tx.sql"),
            StatsTransactionScript.script(
                infra.accounts.stream().map(BenchInfra.Account::id).toList()));
    ctx.rounds(
        "consumer",
        o.round("consumer"),
        r -> {
          List<Context.Step> steps = new ArrayList<>();
          for (int lanes : figures.keySet()) {
            steps.add(() -> ours(infra, topic, cpu, lanes, r));
            steps.add(() -> pgbench(infra, cpu, script, lanes, r));
          }
          steps.add(() -> consumerPerformance(infra, cpu, r));
          return steps;
        });
  }

  private void ours(BenchInfra infra, UploadsTopic topic, Cpu cpu, int lanes, int round)
      throws Exception {
    StatsPhase.Run run =
        StatsPhase.run(
            infra,
            topic,
            cpu,
            lanes,
            ctx.options().statsEvents(),
            ctx.timeout(Duration.ofSeconds(120)),
            ctx.say());
    Cpu.Use use = run.cpu();
    Double per1000 = Cpu.Use.per1000(use.jvm() + use.kafka() + use.postgres(), run.done());
    Figure[] f = figures.get(lanes);
    f[0].ours(run.perSecond(), per1000);
    f[1].ours(run.perSecond(), per1000);
    if (!run.finished()) {
      f[0].remark(
          "round " + round + ": the backlog was not drained in its time box; rate of what was");
    }
    if (run.finished() && (run.counted() != run.done() || run.deadLetters() > 0)) {
      throw new IllegalStateException(
          String.format(
              "stats counted %d of %d events, %d dead letters",
              run.counted(), run.done(), run.deadLetters()));
    }
    ctx.report().detail("consumer_stats", Map.of("round", round, "run", run));
  }

  private void consumerPerformance(BenchInfra infra, Cpu cpu, int round) throws Exception {
    int records = ctx.options().statsEvents();
    Cpu.Sample a = cpu.sample();
    try {
      KafkaTools.Run r =
          KafkaTools.consumer(
              infra.kafka.bootstrapServers(),
              Topics.UPLOADS,
              records,
              ctx.data().resolve("references/consumer-perf-" + round));
      Cpu.Use use = Cpu.between(a, cpu.sample());
      for (Figure[] f : figures.values()) {
        f[0].theirs(
            r.recordsPerSecond(), Cpu.Use.per1000(r.cpuSeconds() + use.kafka(), r.records()));
      }
      ctx.report()
          .detail("consumer_performance", Map.of("round", round, "result", r, "cpu_seconds", use));
      ctx.say("   ConsumerPerformance round %d: %,.0f records/s", round, r.recordsPerSecond());
    } catch (KafkaTools.NotAvailable e) {
      figures.values().forEach(f -> f[0].theirsMissing(e.getMessage()));
    }
  }

  private void pgbench(BenchInfra infra, Cpu cpu, Path script, int lanes, int round)
      throws Exception {
    int seconds = ctx.options().pgbenchSeconds();
    Cpu.Sample a = cpu.sample();
    Pgbench.Result result =
        Pgbench.script(
            infra.postgres.port(), "uploads", script, lanes, seconds, script.getParent());
    Cpu.Use use = Cpu.between(a, cpu.sampleAfterClientsLeft(a));
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("round", round);
    detail.put("clients", lanes);
    detail.put("tps", result.tps().orElse(null));
    detail.put("note", result.note());
    detail.put("cpu_seconds", use);
    ctx.report().detail("consumer_pgbench", detail);
    Figure f = figures.get(lanes)[1];
    if (result.tps().isEmpty()) {
      f.theirsMissing(result.note());
      return;
    }
    double eventsPerSecond = result.tps().get() * StatsTransactionScript.EVENTS;
    f.theirs(
        eventsPerSecond,
        Cpu.Use.per1000(use.postgres() + use.children(), eventsPerSecond * seconds));
    ctx.say(
        "   pgbench (stats, %d clients) round %d: %.0f tps = %,.0f events/s",
        lanes, round, result.tps().get(), eventsPerSecond);
  }
}
