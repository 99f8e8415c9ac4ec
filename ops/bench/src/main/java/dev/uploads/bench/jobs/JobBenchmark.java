package dev.uploads.bench.jobs;

import java.io.BufferedOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ops/bench-jobs}: one run measures the worker's jobs on fresh temporary data (stats,
 * thumbnails by image size, emails), then upload → ready latency on the whole local stack, prints a
 * table and writes {@code bench-results/jobs-<timestamp>.json}. Everything it starts is stopped and
 * its temporary directory removed before it exits.
 */
public final class JobBenchmark {
  /** The real standard output, kept before the services' console logging is redirected. */
  private static final PrintStream OUT = System.out;

  private JobBenchmark() {}

  public static void main(String[] args) {
    BenchStart.quiet();
    JobBenchOptions options = BenchStart.options(args, JobBenchOptions::parse);
    Budget budget = new Budget(Duration.ofSeconds(options.budgetSeconds()));
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Results results = new Results();
    boolean ok = false;
    Path data = null;
    try {
      data = Files.createTempDirectory("uploads-jobbench-");
      // The services' request logs and warnings would bury the report; they go to a file.
      System.setOut(
          new PrintStream(
              new BufferedOutputStream(Files.newOutputStream(data.resolve("console.log")), 1 << 16),
              true));
      ch.qos.logback.core.util.StatusPrinter.setPrintStream(System.out);
      say(budget, "data in " + data);
      results.data("started", stamp);
      results.data("options", options);
      Machine.describe(results);
      Machine.idleCheck(results, line -> say(budget, line));
      ok = new Phases(options, budget, results, line -> say(budget, line)).runAll(data);
      results.row("wall time", budget.elapsed().toSeconds() + " s", "including start and stop");
      results.data("wall_seconds", budget.elapsed().toMillis() / 1000.0);
      System.out.flush();
      OUT.println();
      OUT.print(results.table());
      Path json = results.write(Path.of("bench-results").toAbsolutePath(), "jobs", stamp);
      OUT.println("results written to " + json);
    } catch (Exception e) {
      OUT.println("benchmark failed: " + e);
      e.printStackTrace(OUT);
    } finally {
      System.out.flush();
      if (data != null && ok && !options.keepData()) {
        deleteQuietly(data);
      } else if (data != null) {
        OUT.println("data and logs kept in " + data);
      }
    }
    OUT.printf("wall time %d s%n", budget.elapsed().toSeconds());
    OUT.flush();
    // Everything is stopped by now; leftover client threads must not keep the JVM alive.
    System.exit(ok ? 0 : 1);
  }

  static void say(Budget budget, String line) {
    OUT.println(budget.stamp() + " " + line);
    OUT.flush();
  }

  /** Cores used per process group, for the notes: what was busy while a figure was measured. */
  static String cores(Map<String, Double> cores) {
    Map<String, Double> shown = new LinkedHashMap<>(cores);
    StringBuilder out = new StringBuilder();
    shown.forEach(
        (k, v) -> out.append(out.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    return out.toString();
  }

  public static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception e) {
      OUT.println("could not remove " + dir + ": " + e);
    }
  }
}
