package dev.uploads.bench.suite;

import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.stack.CommitToAck;
import dev.uploads.bench.stack.KafkaTopics;
import dev.uploads.bench.stack.Quiescence;
import dev.uploads.bench.stack.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One fixed-rate load on the whole stack, measured three ways at once: the HTTP answers (open loop,
 * HdrHistogram), the relay's commit → Kafka ack timer (its one-minute window holds only this load
 * when the previous activity ended at least 61 s before the reading), and upload → {@code ready}
 * from PostgreSQL's own timestamps of every upload created during the load, with the backlog
 * sampled throughout.
 */
record LevelRun(
    double rate,
    LoadResult http,
    Double backlogGrowth,
    List<Long> backlogSamples,
    CommitToAck.Reading ack,
    long ackSamples,
    long ready,
    long notReady,
    Double readyP50Ms,
    Double readyP99Ms,
    Quiescence.Result settled,
    Cpu.Use cpu) {

  static final Duration TIMER_WINDOW = Duration.ofSeconds(61);

  static LevelRun measure(Context ctx, StackUnderTest s, double rate) throws Exception {
    Duration length = Duration.ofSeconds(ctx.options().e2eSeconds());
    s.settle(ctx.timeout(Duration.ofSeconds(60)));
    long wait = s.lastActivityEnd + TIMER_WINDOW.minus(length).toNanos() - System.nanoTime();
    if (wait > 0) {
      ctx.say("   waiting %.0f s: the relay's timer window forgets older events", wait / 1e9);
      Thread.sleep(Math.min(wait / 1_000_000, ctx.timeout(TIMER_WINDOW).toMillis()));
    }
    int connections = (int) Math.min(512, Math.max(32, rate / 4));
    Timestamp from = s.databaseNow();
    CommitToAck.Reading before = CommitToAck.read(s.stack.adminUrl());
    Cpu.Sample a = s.cpu.sample();
    LoadResult http;
    Double growth;
    List<Long> samples;
    try (BacklogWatch watch = new BacklogWatch(s.uploadsDb, s.stack.kafkaBootstrap())) {
      http = s.load.openLoop(rate, connections, length);
      growth = watch.growth();
      samples = watch.samples();
      if (watch.failure() != null) {
        throw new IllegalStateException("backlog sampling failed: " + watch.failure());
      }
    }
    Timestamp to = s.databaseNow();
    // The work the load gave the system counts until the system has done it.
    Quiescence.Result settled = s.settle(ctx.timeout(Duration.ofSeconds(90)));
    Cpu.Use cpu = Cpu.between(a, s.cpu.sample());
    CommitToAck.Reading after = CommitToAck.read(s.stack.adminUrl());
    long[] counts = new long[2];
    Histogram ready = readyLatency(s.uploadsDb, from, to, counts);
    boolean any = ready.getTotalCount() > 0;
    return new LevelRun(
        rate,
        http,
        growth,
        samples,
        after,
        after.count() - before.count(),
        counts[0],
        counts[1],
        any ? ready.getValueAtPercentile(50) / 1000.0 : null,
        any ? ready.getValueAtPercentile(99) / 1000.0 : null,
        settled,
        cpu);
  }

  /** updated_at - created_at of the uploads created in [from, to) that are ready. */
  private static Histogram readyLatency(String db, Timestamp from, Timestamp to, long[] counts)
      throws Exception {
    Histogram micros = new Histogram(Duration.ofHours(1).toNanos() / 1_000, 3);
    try (Connection c = Sql.connect(db);
        PreparedStatement q =
            c.prepareStatement(
                """
                SELECT status, (extract(epoch FROM updated_at - created_at) * 1000000)::bigint
                FROM uploads WHERE created_at >= ? AND created_at < ?
                """)) {
      q.setTimestamp(1, from);
      q.setTimestamp(2, to);
      try (ResultSet rows = q.executeQuery()) {
        while (rows.next()) {
          if ("ready".equals(rows.getString(1))) {
            counts[0]++;
            micros.recordValue(Math.min(rows.getLong(2), micros.getHighestTrackableValue()));
          } else {
            counts[1]++;
          }
        }
      }
    }
    return micros;
  }

  /**
   * CPU-ms per accepted upload by row of {@link LoadLevels#BREAKDOWN}: the stack JVM's threads by
   * stage ({@link dev.uploads.bench.kit.Stages}), the broker and PostgreSQL by process, the load
   * generator's JVM apart.
   */
  Map<String, Double> perUpload() {
    double ms = 1000.0 / Math.max(1, http.accepted());
    Map<String, Double> m = new LinkedHashMap<>();
    cpu.stages().forEach((stage, seconds) -> m.put(stage, seconds * ms));
    m.put("kafka-broker", cpu.kafka() * ms);
    m.put("postgresql", cpu.postgres() * ms);
    m.put("other-children", cpu.children() * ms);
    m.put("every-process", cpu.all() * ms);
    m.put("load-generator", cpu.apart() * ms);
    return m;
  }

  /**
   * The system's backlog during a load, sampled every 2 s: outbox rows not yet relayed plus records
   * the worker's jobs have not yet committed. The system keeps up when the backlog at the end of
   * the window is no larger than at its start, give or take a second of load.
   */
  static final class BacklogWatch implements AutoCloseable {
    private static final long INTERVAL_MS = 2_000;

    private final String uploadsDb;
    private final String bootstrap;
    private final List<Long> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String failure;

    BacklogWatch(String uploadsDb, String bootstrap) {
      this.uploadsDb = uploadsDb;
      this.bootstrap = bootstrap;
      this.thread = new Thread(this::loop, "bench-backlog-watch");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      try (Connection c = Sql.connect(uploadsDb);
          KafkaTopics kafka = new KafkaTopics(bootstrap)) {
        while (running) {
          long outbox = Sql.queryLong(c, "SELECT count(*) FROM outbox");
          long lag = Quiescence.workerLag(kafka).values().stream().mapToLong(Long::longValue).sum();
          synchronized (samples) {
            samples.add(outbox + lag);
          }
          Thread.sleep(INTERVAL_MS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        failure = e.toString();
      }
    }

    List<Long> samples() {
      synchronized (samples) {
        return List.copyOf(samples);
      }
    }

    /** Mean of the last quarter of the samples minus the mean of the first quarter; null if < 4. */
    Double growth() {
      List<Long> s = samples();
      if (s.size() < 4) {
        return null;
      }
      int quarter = s.size() / 4;
      return mean(s.subList(s.size() - quarter, s.size())) - mean(s.subList(0, quarter));
    }

    private static double mean(List<Long> values) {
      return values.stream().mapToLong(Long::longValue).average().orElse(0);
    }

    String failure() {
      return failure;
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(15_000);
    }
  }
}
