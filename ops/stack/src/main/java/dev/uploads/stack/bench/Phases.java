package dev.uploads.stack.bench;

import static dev.uploads.stack.bench.Benchmark.say;

import dev.uploads.stack.LocalStack;
import dev.uploads.stack.StackOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The four measurements in the order that lets the relay's one-minute commit-to-ack window hold
 * only the last phase's events: ingest and pgbench both feed the API's relay, then the relay drain
 * (its own database and relay) fills most of the 61 s the window needs to forget them. Between
 * phases the system finishes the work the previous phase gave it (see {@link Quiescence}).
 */
final class Phases {
  static final String PGBENCH_TOPIC = "bench-pgbench";
  private static final Duration WINDOW_CLEARANCE = Duration.ofSeconds(61);
  private static final Duration CATCH_UP_BOUND = Duration.ofMinutes(3);

  private final BenchOptions options;
  private final LocalStack stack;
  private final StackOptions ports;
  private final String uploadsDb;
  private final InetSocketAddress api;
  private final Quiescence quiescence;
  private final Results results = new Results();

  Phases(BenchOptions options, LocalStack stack, StackOptions ports) {
    this.options = options;
    this.stack = stack;
    this.ports = ports;
    this.uploadsDb = "jdbc:postgresql://127.0.0.1:" + ports.postgresPort() + "/uploads";
    this.api = new InetSocketAddress("127.0.0.1", ports.apiPort());
    this.quiescence = new Quiescence(uploadsDb, stack.kafkaBootstrap());
  }

  Results runAll() throws Exception {
    List<byte[]> jpegs = UploadRequests.jpegs(200, 64, 48);
    List<byte[]> requests =
        UploadRequests.multipart(jpegs, "127.0.0.1:" + ports.apiPort(), stack.apiKey());
    results.jpegBytes = UploadRequests.averageSize(jpegs);
    smokeTest(requests.get(0));
    results.afterStart = quiescence.await(CATCH_UP_BOUND);

    say(
        "1/4 ingest: closed loop, "
            + options.concurrency()
            + " in flight, warm-up "
            + options.warmup().toSeconds()
            + " s, measure "
            + options.duration().toSeconds()
            + " s");
    results.ingestCpu = Cpu.start();
    results.ingest =
        HttpLoad.closedLoop(
            api, requests, options.concurrency(), options.warmup(), options.duration());
    results.ingestCpu.stop();
    results.outboxAfterIngest = outboxDepth();
    say(
        String.format(
            "   %.0f uploads/s; waiting until the relay and worker have caught up",
            results.ingest.acceptedPerSecond()));
    results.afterIngest = quiescence.await(CATCH_UP_BOUND);

    say(
        "2/4 pgbench: the API's upload transaction, -c 32 -j 2 -T "
            + options.duration().toSeconds()
            + " -M prepared (the API's relay keeps running)");
    UUID account =
        UUID.fromString(
            Sql.queryString(uploadsDb, "SELECT id FROM accounts ORDER BY created_at LIMIT 1"));
    try (KafkaTopics kafka = new KafkaTopics(stack.kafkaBootstrap())) {
      kafka.create(PGBENCH_TOPIC, 6);
    }
    results.pgbenchCpu = Cpu.start();
    results.pgbench =
        Pgbench.run(
            ports.postgresPort(),
            "uploads",
            account,
            PGBENCH_TOPIC,
            32,
            (int) options.duration().toSeconds(),
            ports.dataDir());
    results.pgbenchCpu.stop();
    results.afterPgbench = quiescence.await(CATCH_UP_BOUND);
    long quietSince = System.nanoTime();

    say("3/4 relay drain: " + options.backlog() + " outbox rows in a fresh database, one relay");
    results.drainCpu = Cpu.start();
    results.drain = RelayDrain.run(ports.postgresPort(), stack.kafkaBootstrap(), options.backlog());
    results.drainCpu.stop();

    commitToAck(requests, quietSince);
    return results;
  }

  /** One upload before any timing: a stack that refuses uploads is a failed run, not a figure. */
  private void smokeTest(byte[] request) throws Exception {
    try (HttpConnection connection = new HttpConnection(api)) {
      int status = connection.exchange(request);
      if (status != 202) {
        throw new IllegalStateException(
            "a single upload answered " + status + ": " + connection.lastErrorBody());
      }
    }
  }

  private void commitToAck(List<byte[]> requests, long quietSince) throws Exception {
    double rate = options.ackLoadFraction() * results.ingest.acceptedPerSecond();
    if (rate <= 0) {
      say("4/4 commit-to-ack: skipped, ingest accepted nothing");
      return;
    }
    long wait = quietSince + WINDOW_CLEARANCE.toNanos() - System.nanoTime();
    if (wait > 0) {
      say(
          String.format(
              "   waiting %.0f s until the relay's 1-minute window holds no older" + " events",
              wait / 1e9));
      Thread.sleep(wait / 1_000_000);
    }
    say(
        String.format(
            "4/4 commit-to-ack: open loop at %.0f uploads/s for %d s",
            rate, options.duration().toSeconds()));
    results.ackRate = rate;
    results.ackBefore = CommitToAck.read(stack.adminUrl());
    results.pacedCpu = Cpu.start();
    int connections = Math.max(64, 2 * options.concurrency());
    results.paced = HttpLoad.openLoop(api, requests, rate, connections, options.duration());
    results.pacedCpu.stop();
    // The worker's events (thumbnailed, ...) count too; their acks must land inside the window.
    long windowLeft = 55 - options.duration().toSeconds();
    results.afterPaced = quiescence.await(Duration.ofSeconds(Math.max(5, windowLeft)));
    results.ackAfter = CommitToAck.read(stack.adminUrl());
  }

  private long outboxDepth() throws Exception {
    try (var c = Sql.connect(uploadsDb)) {
      return Sql.queryLong(c, "SELECT count(*) FROM outbox");
    }
  }

  /** Everything measured, for {@link Summary}; fields stay null when a phase did not run. */
  static final class Results {
    double jpegBytes;
    Quiescence.Result afterStart;
    LoadResult ingest;
    Cpu ingestCpu;
    long outboxAfterIngest;
    Quiescence.Result afterIngest;
    Pgbench.Result pgbench;
    Cpu pgbenchCpu;
    Quiescence.Result afterPgbench;
    RelayDrain.Result drain;
    Cpu drainCpu;
    double ackRate;
    LoadResult paced;
    Cpu pacedCpu;
    Quiescence.Result afterPaced;
    CommitToAck.Reading ackBefore;
    CommitToAck.Reading ackAfter;
  }
}
