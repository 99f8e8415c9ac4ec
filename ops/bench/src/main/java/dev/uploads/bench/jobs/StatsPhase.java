package dev.uploads.bench.jobs;

import dev.uploads.bench.kit.Cpu;
import dev.uploads.schema.UploadReceived;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Stats throughput: the topic holds a backlog of N {@code upload.received} events (what an earlier
 * run left is topped up), then the worker starts with only the stats job. Once the service has
 * started (its consumers created, as ConsumerPerformance's are before its clock runs), the clock
 * and the CPU meter run, over the events not yet committed, until the group's committed offsets
 * reach the end of the topic or the run's time box ends. The group join is timed, as the tool's is.
 * Each batch of events is one PostgreSQL transaction (processed-event markers and counters).
 */
public final class StatsPhase {
  private static final String GROUP = "stats";
  private static final int CHUNK = 10_000;

  /** Uploads the stats job has counted in all. */
  static final String COUNTED = "SELECT coalesce(sum(uploads_received), 0) FROM account_stats";

  private StatsPhase() {}

  public record Run(
      int concurrency,
      long backlog,
      boolean finished,
      long done,
      double seconds,
      double perSecond,
      long counted,
      long deadLetters,
      Cpu.Use cpu) {}

  public static Run run(
      BenchInfra infra,
      UploadsTopic topic,
      Cpu cpu,
      int concurrency,
      int backlogTarget,
      Duration timeBox,
      Consumer<String> say)
      throws Exception {
    long left = topic.behind(GROUP, topic.endOffsets());
    int written = (int) Math.max(0, backlogTarget - left);
    say.accept("stats: writing " + written + " upload.received events (" + left + " left before)");
    write(infra, topic, written, concurrency);
    var ends = topic.endOffsets();
    long backlog = topic.behind(GROUP, ends);
    long countedBefore = sumReceived(infra);
    long lettersBefore = letters(infra);
    say.accept("stats: starting the worker (stats only, concurrency " + concurrency + ")");
    Cpu.Sample before;
    long start;
    UploadsTopic.Progress progress;
    try (InProcessWorker worker =
        InProcessWorker.start(infra.setup, "stats-c" + concurrency, Map.of(GROUP, concurrency))) {
      before = cpu.sample();
      start = System.nanoTime();
      backlog = topic.behind(GROUP, ends);
      progress = topic.awaitCaughtUp(GROUP, ends, backlog, start, timeBox);
    }
    Cpu.Sample after = cpu.sample();
    Run run =
        new Run(
            concurrency,
            backlog,
            progress.finished(),
            progress.done(),
            progress.seconds(),
            progress.perSecond(),
            sumReceived(infra) - countedBefore,
            letters(infra) - lettersBefore,
            Cpu.between(before, after));
    say.accept(
        String.format(
            "stats: concurrency %d: %d of %d in %.1f s = %.0f/s, counted %d",
            concurrency, run.done(), backlog, run.seconds(), run.perSecond(), run.counted()));
    return run;
  }

  /**
   * Untimed: makes the worker's code JIT-compiled, as in a worker that has been running a while.
   */
  public static void warmUp(BenchInfra infra, UploadsTopic topic, int events, Duration timeout)
      throws Exception {
    topic.moveGroupToEnd(GROUP);
    write(infra, topic, events, 0);
    var ends = topic.endOffsets();
    try (InProcessWorker worker =
        InProcessWorker.start(infra.setup, "stats-warmup", Map.of(GROUP, 4))) {
      topic.awaitCaughtUp(GROUP, ends, topic.behind(GROUP, ends), System.nanoTime(), timeout);
    }
  }

  private static void write(BenchInfra infra, UploadsTopic topic, int events, int seed) {
    Random random = new Random(seed);
    for (int from = 0; from < events; from += CHUNK) {
      List<ProducerRecord<byte[], byte[]>> chunk = new ArrayList<>();
      for (int i = from; i < Math.min(events, from + CHUNK); i++) {
        chunk.add(UploadsTopic.record(received(infra, random, i)));
      }
      topic.sendAll(chunk);
    }
  }

  private static UploadReceived received(BenchInfra infra, Random random, int i) {
    byte[] digest = new byte[32];
    random.nextBytes(digest);
    String sha = HexFormat.of().formatHex(digest);
    return new UploadReceived(
        UUID.randomUUID(),
        infra.account(i).id(),
        "photo-" + i + ".jpg",
        "image/jpeg",
        50_000 + random.nextInt(5_000_000),
        sha,
        sha);
  }

  private static long sumReceived(BenchInfra infra) {
    return infra.count(COUNTED);
  }

  private static long letters(BenchInfra infra) {
    return infra.count("SELECT count(*) FROM dead_letters WHERE job = 'stats'");
  }
}
