package dev.uploads.bench.suite;

import com.codahale.metrics.MetricRegistry;
import dev.uploads.bench.jobs.ReplayPhase;
import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.kit.Figure;
import dev.uploads.bench.stack.Sql;
import dev.uploads.infra.LocalPostgres;
import dev.uploads.ops.deadletters.Actions;
import dev.uploads.ops.deadletters.OperatorDatabase;
import dev.uploads.schema.trace.Tracing;
import io.dropwizard.db.ManagedDataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * Dead-letter replay on the whole stack ({@link ReplayPhase}): letters/s from the start of a replay
 * until every letter is resolved, at the operators' default rate and without a limit, sent over a
 * pool as the admin endpoints send, and without a limit sent as ops/dead-letters sends (its own
 * pool). A small replay first checks that the letters really resolve (nothing is measured
 * otherwise), and an unmeasured one warms up the JIT, which on two cores takes most of a core for
 * the first ~40 s of replaying. A replay that does not resolve every letter exactly once fails.
 */
final class ReplayScenario {
  private static final int CHECK_LETTERS = 20;

  private final Context ctx;
  private final StackUnderTest s;
  private final Figure rated;
  private final Figure unlimited;
  private final Figure cli;

  ReplayScenario(Context ctx, StackUnderTest s) {
    this.ctx = ctx;
    this.s = s;
    SuiteOptions o = ctx.options();
    String basis = "every process (the stack in this JVM, PostgreSQL, broker) per letter";
    this.rated =
        figure(
            String.format(
                "letters/s at --replay-rate=%d, %,d letters", o.replayRate(), ratedLetters()),
            basis);
    this.unlimited =
        figure(
            String.format("letters/s unlimited, %,d letters, the API's pool", o.replayLetters()),
            basis);
    this.cli =
        figure(
            String.format(
                "letters/s unlimited, %,d letters, ops/dead-letters' pool", o.replayLetters()),
            basis);
  }

  private Figure figure(String name, String basis) {
    return ctx.report().add(new Figure("replay", name, "/s", "", null)).cpuBasis(basis);
  }

  /** Ten seconds' worth at the rate. */
  private int ratedLetters() {
    return Math.min(ctx.options().replayLetters(), ctx.options().replayRate() * 10);
  }

  void run() throws Exception {
    SuiteOptions o = ctx.options();
    String url = s.uploadsDb;
    // A pool like the API's, which the admin endpoints' replays use.
    ManagedDataSource pool = Sql.pool(url, "bench-replay", 8);
    try (OperatorDatabase operator = OperatorDatabase.open(url, LocalPostgres.USER, "")) {
      Jdbi pooled = Jdbi.create(pool).installPlugin(new PostgresPlugin());
      Actions viaPool =
          new Actions(pooled, new MetricRegistry(), Tracing.unexported("uploads-api"));
      Actions viaCli =
          new Actions(
              operator.jdbi(), new MetricRegistry(), Tracing.unexported("uploads-dead-letters"));
      s.settle(ctx.timeout(Duration.ofSeconds(60)));
      ctx.say("replay: check, " + CHECK_LETTERS + " letters");
      replay(null, pooled, viaPool, "check", CHECK_LETTERS, null);
      if (o.replayWarmupLetters() > 0) {
        ctx.say("replay: warm-up, " + o.replayWarmupLetters() + " letters (not measured)");
        replay(null, pooled, viaPool, "warmup", o.replayWarmupLetters(), null);
      }
      Double rate = (double) o.replayRate();
      int letters = o.replayLetters();
      ctx.rounds(
          "replay",
          o.round("replay"),
          r ->
              List.of(
                  () -> replay(rated, pooled, viaPool, "rated-" + r, ratedLetters(), rate),
                  () -> replay(unlimited, pooled, viaPool, "unlimited-" + r, letters, null),
                  () -> replay(cli, pooled, viaCli, "unlimited-cli-" + r, letters, null)));
    } finally {
      pool.stop();
    }
  }

  private void replay(
      Figure figure, Jdbi jdbi, Actions actions, String name, int letters, Double rate)
      throws Exception {
    Duration box =
        Duration.ofSeconds(30 + (rate == null ? letters / 20L : (long) (letters / rate)));
    ReplayPhase.Run run =
        ReplayPhase.run(jdbi, actions, s.cpu, name, letters, rate, ctx.timeout(box));
    ctx.report().detail("replay", Map.of("name", name, "run", run));
    if (run.problem() != null) {
      throw new IllegalStateException("replay " + name + ": " + run.problem());
    }
    ctx.say("   replay %s: %,.0f letters/s to resolved", name, run.perSecond());
    if (figure != null) {
      figure.ours(run.perSecond(), Cpu.Use.per1000(run.cpu().all(), letters));
    }
    s.settle(ctx.timeout(Duration.ofSeconds(60)));
  }
}
