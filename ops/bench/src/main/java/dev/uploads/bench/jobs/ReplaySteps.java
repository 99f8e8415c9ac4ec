package dev.uploads.bench.jobs;

import com.codahale.metrics.MetricRegistry;
import dev.uploads.infra.LocalPostgres;
import dev.uploads.ops.deadletters.Actions;
import dev.uploads.ops.deadletters.OperatorDatabase;
import dev.uploads.stack.LocalStack;
import dev.uploads.stack.StackOptions;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The order of {@code ops/bench-replay}, all on one local stack: a small replay that checks the
 * fixture's letters really resolve (nothing is measured otherwise), an unmeasured warm-up replay
 * (on two cores the JIT compiler takes most of a core for the first ~40 s of replaying), then a
 * replay at the operators' default rate and one without a limit, both sent over a pool as the admin
 * endpoints send, and last an unlimited one sent as {@code ops/dead-letters} sends, over its own
 * small pool.
 */
final class ReplaySteps {
  /** Stopping the stack and writing the report. */
  private static final Duration STOP_RESERVE = Duration.ofSeconds(20);

  /**
   * Letters/s of unlimited replays seen on two cores (cold, warm, the CLI), with margin: what later
   * replays are given of the budget.
   */
  private static final int COLD_ESTIMATE = 100;

  private static final int POOL_ESTIMATE = 150;
  private static final int CLI_ESTIMATE = 100;

  private static final int SETTLE_SECONDS = 15;

  /** How long the idle stack is watched before the first replay, for its CPU at rest. */
  private static final Duration REST = Duration.ofSeconds(3);

  private ReplaySteps() {}

  /** One replay of the run: what it is for, its letters, rate and the sender's connections. */
  private record Step(
      ReplayRows.Role role,
      String name,
      int letters,
      Double rate,
      ReplayPhase.Sender sender,
      Duration estimate) {}

  private static List<Step> steps(ReplayBenchOptions o) {
    ReplayPhase.Sender pool = ReplayPhase.Sender.POOL;
    List<Step> steps = new ArrayList<>();
    steps.add(new Step(ReplayRows.Role.CHECK, "check", o.checkLetters(), null, pool, seconds(20)));
    if (o.warmupLetters() > 0) {
      steps.add(
          new Step(
              ReplayRows.Role.WARMUP,
              "warmup",
              o.warmupLetters(),
              null,
              pool,
              seconds(o.warmupLetters() / COLD_ESTIMATE + 15)));
    }
    steps.add(
        new Step(
            ReplayRows.Role.MEASURED,
            "rated",
            o.ratedLetters(),
            o.rate(),
            pool,
            seconds((long) (o.ratedLetters() / o.rate()) + 15)));
    steps.add(
        new Step(
            ReplayRows.Role.MEASURED,
            "unlimited",
            o.unlimitedLetters(),
            null,
            pool,
            seconds(o.unlimitedLetters() / POOL_ESTIMATE + 15)));
    if (o.cliLetters() > 0) {
      steps.add(
          new Step(
              ReplayRows.Role.MEASURED,
              "unlimited-cli",
              o.cliLetters(),
              null,
              ReplayPhase.Sender.CLI,
              seconds(o.cliLetters() / CLI_ESTIMATE + 15)));
    }
    return steps;
  }

  /**
   * The replays one after another on one stack. A replay that did not resolve every letter ends the
   * run: the next one would share the machine with its leftovers.
   */
  static boolean run(
      Path data, ReplayBenchOptions o, Budget budget, Results results, Consumer<String> say)
      throws Exception {
    StackOptions stackOptions = StackOptions.onFreePorts(data.resolve("stack"));
    say.accept("starting the local stack (PostgreSQL, Kafka, SMTP, API + relay, worker)");
    LocalStack stack = LocalStack.start(stackOptions);
    ManagedDataSource pool = null;
    OperatorDatabase cli = null;
    try {
      String url = "jdbc:postgresql://127.0.0.1:" + stackOptions.postgresPort() + "/uploads";
      pool = pool(url);
      Jdbi pooled = Jdbi.create(pool).installPlugin(new PostgresPlugin());
      // As ops/dead-letters connects.
      cli = OperatorDatabase.open(url, LocalPostgres.USER, "");
      Jdbi direct = cli.jdbi();
      ProcessCpu cpu = new ProcessCpu(stackOptions.dataDir().resolve("postgres"));
      rest(cpu, results, say);
      List<Step> steps = steps(o);
      List<ReplayPhase.Run> runs = new ArrayList<>();
      results.data("replays", runs);
      for (int i = 0; i < steps.size(); i++) {
        Step step = steps.get(i);
        Duration reserve = STOP_RESERVE;
        for (Step later : steps.subList(i + 1, steps.size())) {
          reserve = reserve.plus(later.estimate());
        }
        Duration box =
            step.role() == ReplayRows.Role.CHECK
                ? step.estimate()
                : Duration.ofSeconds(o.phaseSeconds());
        ReplayPhase.Run run =
            ReplayPhase.run(
                pooled,
                new Actions(
                    step.sender() == ReplayPhase.Sender.POOL ? pooled : direct,
                    new MetricRegistry()),
                cpu,
                step.name(),
                step.sender(),
                step.letters(),
                step.rate(),
                budget.timeout(box, reserve),
                say);
        runs.add(run);
        if (!ReplayRows.add(results, step.role(), run)) {
          return false;
        }
      }
      return true;
    } finally {
      say.accept("stopping the local stack");
      if (pool != null) {
        pool.stop();
      }
      if (cli != null) {
        cli.close();
      }
      stack.close();
    }
  }

  private static Duration seconds(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  /** A pool like the API's, which the admin endpoints' replays use. */
  private static ManagedDataSource pool(String url) throws Exception {
    DataSourceFactory database = new DataSourceFactory();
    database.setDriverClass("org.postgresql.Driver");
    database.setUrl(url);
    database.setUser(LocalPostgres.USER);
    database.setPassword("");
    database.setMaxSize(8);
    ManagedDataSource pool = database.build(new MetricRegistry(), "bench-replay");
    pool.start();
    return pool;
  }

  /**
   * The first seconds after start are still busy (JIT, consumer groups joining): waits until the
   * machine is under half a core, then records what the idle stack uses.
   */
  private static void rest(ProcessCpu cpu, Results results, Consumer<String> say)
      throws InterruptedException {
    for (int i = 0; i < SETTLE_SECONDS; i++) {
      ProcessCpu.Sample before = cpu.sample();
      Thread.sleep(1_000);
      if (ProcessCpu.coresBetween(before, cpu.sample()).get("machine") < 0.5) {
        break;
      }
    }
    ProcessCpu.Sample before = cpu.sample();
    Thread.sleep(REST.toMillis());
    Map<String, Double> rest = ProcessCpu.coresBetween(before, cpu.sample());
    results.data("cores_at_rest", rest);
    String line =
        "the idle stack, over " + REST.toSeconds() + " s: cores " + JobBenchmark.cores(rest);
    results.note(line);
    say.accept(line);
  }
}
