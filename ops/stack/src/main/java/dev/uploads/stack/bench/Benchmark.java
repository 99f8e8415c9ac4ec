package dev.uploads.stack.bench;

import ch.qos.logback.classic.Level;
import dev.uploads.infra.Ports;
import dev.uploads.infra.ShutdownOrder;
import dev.uploads.stack.LocalStack;
import dev.uploads.stack.StackOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * {@code ops/bench}: one run measures ingest over HTTP, the database's ceiling for the same
 * transaction (pgbench), the relay draining a backlog, and commit-to-Kafka-ack latency at half the
 * measured ingest rate, all on a fresh stack in a temporary directory that is removed afterwards.
 */
public final class Benchmark {
  /** The real standard output, kept before the system's console output is redirected. */
  private static final PrintStream OUT = System.out;

  private Benchmark() {}

  public static void main(String[] args) {
    // Liquibase (db migrate) would otherwise try to fetch its analytics settings from the internet.
    System.setProperty("liquibase.analytics.enabled", "false");
    // Until the API configures logging, the embedded PostgreSQL and Kafka clients log at DEBUG.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.WARN);
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    long start = System.nanoTime();
    int code = 0;
    try {
      run(options, start);
    } catch (Exception e) {
      System.err.println("benchmark failed: " + e);
      e.printStackTrace();
      code = 1;
    }
    say(
        String.format(
            "wall time %.0f s (including start and stop)", (System.nanoTime() - start) / 1e9));
    // The stack is stopped by now; leftover client threads must not keep the JVM alive.
    System.exit(code);
  }

  private static void run(BenchOptions options, long start) throws Exception {
    Path data = Files.createTempDirectory("uploads-bench-");
    // The API's request log and warnings go to the console: thousands of lines per second that
    // would bury the report. They go to a file instead (still written, so still paid for).
    Path console = data.resolve("console.log");
    System.setOut(
        new PrintStream(new BufferedOutputStream(Files.newOutputStream(console), 1 << 16), false));
    // Logback prints its own status messages (e.g. of the request log) to the stream it was given.
    ch.qos.logback.core.util.StatusPrinter.setPrintStream(System.out);
    StackOptions stackOptions = freshPorts(data);
    Report report = new Report();
    report.data("options", options.toString());
    idleCheck(report);
    say("starting PostgreSQL, Kafka and the API in " + data);
    LocalStack stack = null;
    try {
      stack = LocalStack.start(stackOptions);
      LocalStack running = stack;
      ShutdownOrder.atExit(
          "the benchmark's stack",
          () -> {
            running.close();
            deleteQuietly(data);
          });
      Phases.Results results = new Phases(options, stack, stackOptions).runAll();
      new Summary(options, report).write(results);
      System.out.flush();
      ConsoleLog.summarize(console).forEach(report::note);
      say("");
      OUT.print(report.table());
      Path json = report.writeJson(Path.of("").toAbsolutePath(), (System.nanoTime() - start) / 1e9);
      say("results written to " + json);
    } finally {
      say("stopping the API, Kafka and PostgreSQL");
      if (stack != null) {
        stack.close();
      }
      System.out.flush();
      deleteQuietly(data);
    }
  }

  /**
   * Every port the stack listens on is a free one, whichever ports the stack has: its options
   * record grows as the stack gains services, and a fixed default port could be taken.
   */
  static StackOptions freshPorts(Path data) throws ReflectiveOperationException {
    RecordComponent[] components = StackOptions.class.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      if (types[i] == Path.class) {
        values[i] = data;
      } else if (types[i] == int.class) {
        values[i] = Ports.free();
      } else {
        throw new IllegalStateException("unexpected stack option " + components[i]);
      }
    }
    return StackOptions.class.getDeclaredConstructor(types).newInstance(values);
  }

  /** Other work on the machine lowers every figure; the report says how busy it was before. */
  private static void idleCheck(Report report) throws InterruptedException {
    CpuUse cpu = CpuUse.start();
    Thread.sleep(3_000);
    CpuUse.Share before = cpu.stop();
    report.data("cpu_before_start", before);
    String line = String.format("machine busy %.0f%% in the 3 s before start", before.busy() * 100);
    if (before.busy() > 0.25) {
      line += " -- other work is running; figures will be lower than this machine can do";
    }
    report.note(line);
    say(line);
  }

  static void say(String line) {
    OUT.println(line);
    OUT.flush();
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not remove " + dir + ": " + e);
    }
  }
}
