package dev.uploads.bench.suite;

import ch.qos.logback.classic.Level;
import dev.uploads.bench.jobs.BenchInfra;
import dev.uploads.bench.jobs.UploadsTopic;
import dev.uploads.bench.kit.Budget;
import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.kit.Machine;
import dev.uploads.bench.kit.Report;
import dev.uploads.bench.reference.PgTestFsync;
import dev.uploads.bench.reference.Tools;
import dev.uploads.bench.stack.Sql;
import java.io.BufferedOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * {@code ops/bench-suite}, the one benchmark command: every scenario, each alternating the system
 * and its reference for several rounds on the same machine, within one time budget. Three groups,
 * each on fresh services that are stopped before the next starts: the whole stack (ingest, commit →
 * ack, end to end, replay), PostgreSQL and Kafka for the relays, and PostgreSQL and Kafka for the
 * jobs (consumer, thumbnails, emails). Prints a table of medians and writes {@code
 * bench-results/suite-<stamp>.json} from the same figures.
 */
public final class Suite {
  /** The real standard output, kept before the services' console output is redirected. */
  private static final PrintStream OUT = System.out;

  private Suite() {}

  public static void main(String[] args) {
    // Liquibase must not fetch its analytics settings; the services log at WARN until they
    // configure logging themselves.
    System.setProperty("liquibase.analytics.enabled", "false");
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.WARN);
    SuiteOptions options;
    try {
      options = SuiteOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ops/bench-suite: " + e.getMessage());
      System.exit(2);
      return;
    }
    Budget budget = new Budget(Duration.ofMinutes(options.budgetMinutes()));
    ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(started);
    Report report = new Report();
    boolean ok = false;
    Path data = null;
    try {
      data = Files.createTempDirectory("uploads-suite-");
      // The services' request logs and warnings would bury the report; they go to a file.
      System.setOut(
          new PrintStream(
              new BufferedOutputStream(Files.newOutputStream(data.resolve("console.log")), 1 << 16),
              true));
      ch.qos.logback.core.util.StatusPrinter.setPrintStream(System.out);
      report.header("started", started.toString());
      report.header("command", "ops/bench-suite " + String.join(" ", args));
      report.header("options", options);
      Context ctx =
          new Context(options, report, budget, Duration.ZERO, line -> say(budget, line), data);
      ctx.say("data in " + data + "; time budget " + options.budgetMinutes() + " min");
      Map<String, Object> machine = machine(ctx);
      ok = new Groups(ctx, machine).runAll();
      System.out.flush();
      OUT.println();
      Object fsync = machine.get("pg_test_fsync");
      OUT.println(
          "Machine: "
              + Machine.summary(machine)
              + ", "
              + (fsync instanceof PgTestFsync.Result r
                  ? String.format("fdatasync %,.0f/s", r.fdatasyncOpsPerSecond())
                  : "pg_test_fsync " + fsync));
      OUT.println(
          "Medians of "
              + options.rounds()
              + " rounds; ratio = ours / reference; CPU-s/1k = CPU-seconds per 1,000 operations.");
      OUT.println();
      OUT.print(report.table());
      Path json =
          report.write(
              Path.of("bench-results").toAbsolutePath(), stamp, budget.elapsed().toMillis() / 1e3);
      OUT.println("results written to " + json);
    } catch (Exception e) {
      OUT.println("benchmark suite failed: " + e);
      e.printStackTrace(OUT);
      ok = false;
    } finally {
      System.out.flush();
      if (data != null && ok && !options.keepData()) {
        delete(data);
      } else if (data != null) {
        OUT.println("data and logs kept in " + data);
      }
    }
    OUT.printf("wall time %d s%n", budget.elapsed().toSeconds());
    OUT.flush();
    // Everything is stopped by now; leftover client threads must not keep the JVM alive.
    System.exit(ok ? 0 : 1);
  }

  /**
   * The kit's machine reading, with the disk's synchronous write rate (pg_test_fsync beside the
   * run's data) and, once a scenario has started one, PostgreSQL's version.
   */
  private static Map<String, Object> machine(Context ctx) throws InterruptedException {
    Map<String, Object> m = Machine.describe(3);
    double busy = (Double) m.get("cores_busy_before_start");
    String line = String.format("machine busy %.2f cores in the 3 s before start", busy);
    if (busy > 0.3) {
      line += " -- other work is running; figures will be lower than this machine can do";
    }
    ctx.report().note(line);
    ctx.say(line);
    ctx.say("pg_test_fsync (" + 16 * ctx.options().fsyncSeconds() + " s)");
    try {
      PgTestFsync.Result fsync =
          PgTestFsync.run(
              Tools.local().get("pg_test_fsync"), ctx.data(), ctx.options().fsyncSeconds());
      m.put("pg_test_fsync", fsync);
      ctx.say("   fdatasync: %,.0f 8 kB writes/s", fsync.fdatasyncOpsPerSecond());
    } catch (java.io.IOException | RuntimeException e) {
      m.put("pg_test_fsync", "not available: " + e.getMessage());
    }
    ctx.report().header("machine", m);
    return m;
  }

  static void say(Budget budget, String line) {
    OUT.println(budget.stamp() + " " + line);
    OUT.flush();
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception e) {
      OUT.println("could not remove " + dir + ": " + e);
    }
  }

  /** The three groups of scenarios in order, each keeping back one round of those after it. */
  private record Groups(Context ctx, Map<String, Object> machine) {
    boolean runAll() {
      SuiteOptions o = ctx.options();
      // Starting and stopping each group's services comes on top of its scenarios' rounds.
      Duration stack =
          starting(o.round("ingest", "levels", "photos", "replay"), 90 + o.ingestWarmupSeconds());
      Duration relays = starting(o.round("relay", "relay-peer"), 20);
      Duration jobs = starting(o.round("consumer", "thumbnails", "emails"), 40);
      boolean ok = true;
      if (!stack.isZero() && fits("the stack scenarios", stack)) {
        ok &= attempt("stack scenarios", () -> stack(ctx.reserving(relays.plus(jobs))));
      }
      if (!relays.isZero() && fits("the relay scenarios", relays)) {
        RelayScenario relay =
            new RelayScenario(ctx.reserving(jobs), o.runs("relay"), o.runs("relay-peer"));
        ok &= attempt("relay scenarios", relay::run);
      }
      if (!jobs.isZero() && fits("the job scenarios", jobs)) {
        ok &= attempt("job scenarios", () -> jobs(ctx));
      }
      return ok;
    }

    private static Duration starting(Duration rounds, long seconds) {
      return rounds.isZero() ? rounds : rounds.plusSeconds(seconds);
    }

    /** A group starts only if one round of it still fits the budget. */
    private boolean fits(String group, Duration round) {
      if (ctx.budget().fits(round, Duration.ZERO)) {
        return true;
      }
      ctx.say(group + ": not run, one round would not fit the time budget");
      ctx.report().note(group + " not run: one round would not fit the time budget");
      return false;
    }

    private void stack(Context later) throws Exception {
      SuiteOptions o = ctx.options();
      ctx.say("starting the local stack: PostgreSQL, Kafka, SMTP, API with its relay, worker");
      try (StackUnderTest s = StackUnderTest.start(ctx.data().resolve("stack"))) {
        machine.put("postgresql", s.postgresVersion());
        boolean levels = o.runs("levels");
        OptionalDouble limit =
            o.ingestLimit() > 0 ? OptionalDouble.of(o.ingestLimit()) : OptionalDouble.empty();
        if (o.runs("ingest")) {
          ctx.say(
              "ingest: fixed-rate steps of "
                  + o.ingestStepSeconds()
                  + " s, p99 ≤ 50 ms, vs pgbench");
          OptionalDouble measured =
              new IngestScenario(
                      later.reserving(later.reserve().plus(o.round("levels", "photos", "replay"))),
                      s)
                  .run();
          limit = measured.isPresent() ? measured : limit;
        }
        if (levels && limit.isEmpty()) {
          ctx.report()
              .note(
                  "commit → ack and end to end not run: no ingest limit (measure it, or give --ingest-limit)");
        } else if (levels) {
          ctx.say(
              "load levels: 25/50/75 %% of %.0f uploads/s, %d s each",
              limit.getAsDouble(), o.e2eSeconds());
          s.warmUntilCompiled(
              ctx, "levels", Math.round(limit.getAsDouble() / 2), o.e2eWarmupSeconds());
          Context rest = later.reserving(later.reserve().plus(o.round("photos", "replay")));
          new LoadLevels(rest, s, limit.getAsDouble(), o.runs("relay"), o.runs("end-to-end")).run();
        }
        if (o.runs("photos")) {
          new PhotoScenario(later.reserving(later.reserve().plus(o.round("replay"))), s).run();
        }
        if (o.runs("replay")) {
          new ReplayScenario(later, s).run();
        }
        ctx.say("stopping the local stack");
      }
    }

    private void jobs(Context ctx) throws Exception {
      SuiteOptions o = ctx.options();
      Path dir = ctx.data().resolve("jobs");
      ctx.say("jobs: starting PostgreSQL and Kafka");
      try (BenchInfra infra = BenchInfra.start(dir, o.accounts());
          UploadsTopic topic = new UploadsTopic(infra.kafka.bootstrapServers())) {
        machine.putIfAbsent(
            "postgresql",
            Sql.queryString(infra.postgres.jdbcUrl("uploads"), "SHOW server_version"));
        Cpu cpu = new Cpu(dir.resolve("postgres"));
        if (o.runs("consumer")) {
          new StatsScenario(ctx.reserving(o.round("thumbnails", "emails"))).run(infra, topic, cpu);
        }
        if (o.runs("thumbnails")) {
          new ThumbnailScenario(ctx.reserving(o.round("emails"))).run(infra, topic, cpu);
        }
        if (o.runs("emails")) {
          new EmailScenario(ctx).run(infra, topic, cpu);
        }
      }
    }

    private boolean attempt(String name, Context.Step step) {
      try {
        step.run();
        return true;
      } catch (Exception e) {
        ctx.say(name + " failed: " + e);
        e.printStackTrace(System.out);
        ctx.report().note(name + " failed: " + e);
        return false;
      }
    }
  }
}
