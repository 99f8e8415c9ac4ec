package dev.uploads.bench.jobs;

import java.io.BufferedOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * {@code ops/bench-replay}: dead-letter replay throughput on the whole local stack, from the start
 * of a replay until every letter it took is resolved (see {@link ReplaySteps} for the replays).
 * Prints a table and writes {@code bench-results/replay-<timestamp>.json}; everything it starts is
 * stopped and its temporary directory removed before it exits.
 */
public final class ReplayBenchmark {
  /** The real standard output, kept before the services' console logging is redirected. */
  private static final PrintStream OUT = System.out;

  private ReplayBenchmark() {}

  public static void main(String[] args) {
    BenchStart.quiet();
    ReplayBenchOptions options = BenchStart.options(args, ReplayBenchOptions::parse);
    Budget budget = new Budget(Duration.ofSeconds(options.budgetSeconds()));
    Consumer<String> say = line -> say(budget, line);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Results results = new Results();
    boolean ok = false;
    Path data = null;
    try {
      data = Files.createTempDirectory("uploads-replaybench-");
      // The services' logs and warnings would bury the report; they go to a file.
      System.setOut(
          new PrintStream(
              new BufferedOutputStream(Files.newOutputStream(data.resolve("console.log")), 1 << 16),
              true));
      ch.qos.logback.core.util.StatusPrinter.setPrintStream(System.out);
      say.accept("data in " + data);
      results.data("started", stamp);
      results.data("options", options);
      Machine.describe(results);
      Machine.idleCheck(results, say);
      ok = ReplaySteps.run(data, options, budget, results, say);
      results.row("wall time", budget.elapsed().toSeconds() + " s", "including start and stop");
      results.data("wall_seconds", budget.elapsed().toMillis() / 1000.0);
      System.out.flush();
      OUT.println();
      OUT.print(results.table());
      Path json = results.write(Path.of("bench-results").toAbsolutePath(), "replay", stamp);
      OUT.println("results written to " + json);
    } catch (Exception e) {
      OUT.println("benchmark failed: " + e);
      e.printStackTrace(OUT);
      ok = false;
    } finally {
      System.out.flush();
      if (data != null && ok && !options.keepData()) {
        JobBenchmark.deleteQuietly(data);
      } else if (data != null) {
        OUT.println("data and logs kept in " + data);
      }
    }
    OUT.printf("wall time %d s%n", budget.elapsed().toSeconds());
    OUT.flush();
    // Everything is stopped by now; leftover client threads must not keep the JVM alive.
    System.exit(ok ? 0 : 1);
  }

  private static void say(Budget budget, String line) {
    OUT.println(budget.stamp() + " " + line);
    OUT.flush();
  }
}
