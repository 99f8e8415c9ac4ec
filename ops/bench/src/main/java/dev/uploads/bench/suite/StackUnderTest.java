package dev.uploads.bench.suite;

import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.stack.KafkaTopics;
import dev.uploads.bench.stack.Quiescence;
import dev.uploads.bench.stack.Sql;
import dev.uploads.schema.Topics;
import dev.uploads.stack.LocalStack;
import dev.uploads.stack.StackOptions;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole local stack (PostgreSQL, Kafka, SMTP, the API with its relay, the worker) in this JVM,
 * on free ports and fresh data, as ingest and the end-to-end loads see it: the load generator in a
 * JVM of its own, the API's connection pool size, and when the system last had work to do.
 */
final class StackUnderTest implements AutoCloseable {
  private static final Pattern POOL =
      Pattern.compile("(?m)^database:(?:\\n .*)*?\\n  maxSize: (\\d+)");

  final LocalStack stack;
  final StackOptions ports;
  final InetSocketAddress api;
  final String uploadsDb;
  final LoadGenerator load;
  final Cpu cpu;
  final Quiescence quiescence;
  final int poolSize;

  /** When the last load (or pgbench) and its aftermath ended: the relay's timer window clears. */
  long lastActivityEnd = System.nanoTime();

  private boolean workerStopped;

  private StackUnderTest(
      LocalStack stack, StackOptions ports, int poolSize, Cpu cpu, LoadGenerator load) {
    this.stack = stack;
    this.ports = ports;
    this.api = new InetSocketAddress("127.0.0.1", ports.apiPort());
    this.uploadsDb = "jdbc:postgresql://127.0.0.1:" + ports.postgresPort() + "/uploads";
    this.load = load;
    this.cpu = cpu;
    this.quiescence = new Quiescence(uploadsDb, stack.kafkaBootstrap());
    this.poolSize = poolSize;
  }

  static StackUnderTest start(Path dir) throws Exception {
    StackOptions ports = StackOptions.onFreePorts(dir);
    LocalStack stack = LocalStack.start(ports);
    try {
      String config = Files.readString(dir.resolve("api.yml"));
      Matcher pool = POOL.matcher(config);
      if (!pool.find()) {
        throw new IllegalStateException("no database maxSize in " + dir.resolve("api.yml"));
      }
      Cpu cpu = new Cpu(ports.dataDir().resolve("postgres"));
      InetSocketAddress api = new InetSocketAddress("127.0.0.1", ports.apiPort());
      LoadGenerator load = LoadGenerator.start(api, stack.apiKey(), cpu, dir.resolve("load"));
      return new StackUnderTest(stack, ports, Integer.parseInt(pool.group(1)), cpu, load);
    } catch (Exception e) {
      stack.close();
      throw e;
    }
  }

  /** The JIT compilers' time in this JVM: the API's, the relay's and the worker's. */
  static final java.lang.management.CompilationMXBean JIT =
      java.lang.management.ManagementFactory.getCompilationMXBean();

  /**
   * Uploads at {@code rate} in 10 s slices until the JIT compiles for less than 0.5 s in a slice,
   * or for at most {@code limitSeconds}, and reports how long that took as {@code <name>_warmup}. A
   * fresh JVM compiles its hot paths for minutes on two cores, and the compiler threads would be
   * counted as the system's CPU and take a core from the first measurements.
   */
  void warmUntilCompiled(Context ctx, String name, double rate, long limitSeconds)
      throws Exception {
    long start = System.nanoTime();
    long jitMillis = Long.MAX_VALUE;
    long slices = 0;
    while (jitMillis >= 500 && (System.nanoTime() - start) / 1_000_000_000L < limitSeconds) {
      long before = JIT.getTotalCompilationTime();
      // Every upload must be accepted: the warm-up checks too that the stack works.
      LoadResult warm = load.openLoop(rate, 32, Duration.ofSeconds(10));
      if (warm.errors() > 0 || warm.accepted() == 0) {
        throw new IllegalStateException(
            "warm-up uploads failed: " + warm.errors() + " errors, first: " + warm.firstError());
      }
      settle(Duration.ofSeconds(60));
      jitMillis = JIT.getTotalCompilationTime() - before;
      slices++;
    }
    ctx.say(
        "   %s warm-up: %.0f uploads/s, %d s until the JIT compiled %.1f s in the last 10 s"
            + " (not measured)",
        name, rate, slices * 10, jitMillis / 1000.0);
    ctx.report()
        .detail(
            name + "_warmup",
            Map.of("rate", rate, "slices_of_10s", slices, "jit_ms_last_slice", jitMillis));
  }

  /** Waits (bounded) until the relay and the worker have finished what the system was given. */
  Quiescence.Result settle(Duration bound) throws Exception {
    Quiescence.Result r = quiescence.await(bound, !workerStopped);
    lastActivityEnd = System.nanoTime();
    return r;
  }

  /**
   * Stops the worker, so that a scenario measures the API (with its relay) alone: in production the
   * worker runs on its own machines, here it would take the API's cores.
   */
  void stopWorker() {
    stack.stopWorker();
    workerStopped = true;
  }

  /**
   * Starts the worker again; its jobs skip the uploads published meanwhile (benchmark traffic that
   * would otherwise keep the cores busy for minutes into the next scenario).
   */
  void startWorkerSkippingBacklog() throws Exception {
    try (KafkaTopics kafka = new KafkaTopics(stack.kafkaBootstrap())) {
      for (String job : Topics.JOBS) {
        kafka.skipToEnd(job, Topics.UPLOADS);
      }
    }
    stack.startWorker();
    workerStopped = false;
  }

  Timestamp databaseNow() throws Exception {
    try (Connection c = Sql.connect(uploadsDb);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT clock_timestamp()")) {
      rows.next();
      return rows.getTimestamp(1);
    }
  }

  String postgresVersion() throws Exception {
    return Sql.queryString(uploadsDb, "SHOW server_version");
  }

  @Override
  public void close() throws InterruptedException {
    try {
      load.close();
    } finally {
      stack.close();
    }
  }
}
