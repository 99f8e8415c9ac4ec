package dev.uploads.bench.jobs;

import dev.uploads.bench.stack.ThreadCpu;
import dev.uploads.ops.deadletters.ActionRequest;
import dev.uploads.ops.deadletters.Actions;
import dev.uploads.ops.deadletters.LetterFilter;
import dev.uploads.worker.stats.StatsJob;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;

/**
 * One dead-letter replay on the running local stack, timed from {@link Actions#start} until every
 * letter it took is {@code resolved}: the operator library sends each letter to {@code
 * stats.redrive} through the outbox, the API's relay publishes it, the worker's stats job applies
 * it and resolves the letter. The database is asked where the letters are every 100 ms ({@link
 * ReplayProgress}).
 */
final class ReplayPhase {
  private static final long POLL_MS = 100;

  private ReplayPhase() {}

  /** How the replay's sender reaches PostgreSQL. */
  enum Sender {
    /** A pool, as the replays the admin endpoints start in the API. */
    POOL("pooled connections, as the admin endpoints"),
    /** A connection opened per transaction, as {@code ops/dead-letters} does. */
    CLI("the pool of ops/dead-letters (OperatorDatabase)");

    final String description;

    Sender(String description) {
      this.description = description;
    }
  }

  record Run(
      String name,
      Sender sender,
      int letters,
      Double rate,
      long actionId,
      boolean finished,
      long resolved,
      long reopened,
      long stillReplaying,
      long outcomesResolved,
      long counted,
      double startSeconds,
      Double sentSeconds,
      double resolvedSeconds,
      Double dbSentSeconds,
      Double dbResolvedSeconds,
      double perSecond,
      Double sendPerSecond,
      double jvmCpuSeconds,
      double postgresCpuSeconds,
      double kafkaCpuSeconds,
      double avgUnpublished,
      long maxUnpublished,
      double avgAtWorker,
      long maxAtWorker,
      Map<String, Double> cores,
      Map<String, Double> threads,
      double outsideJavaThreadsCores,
      Map<String, Double> postgresSessions) {}

  static Run run(
      Jdbi jdbi,
      Actions actions,
      ProcessCpu cpu,
      String name,
      Sender sender,
      int letters,
      Double rate,
      Duration timeout,
      Consumer<String> say)
      throws Exception {
    String fingerprint = "bench-replay-" + name + "-" + UUID.randomUUID();
    DeadLetterFixture.insert(jdbi, fingerprint, letters);
    long countedBefore = ReplayProgress.uploadsCounted(jdbi);
    ActionRequest request =
        new ActionRequest(
            ActionRequest.Kind.REPLAY,
            LetterFilter.parse(
                null, StatsJob.NAME, null, fingerprint, null, null, null, null, null),
            "benchmark: ops/bench-replay " + name,
            false,
            rate,
            letters);
    say.accept(
        String.format(
            "replay %s: %,d letters at %s, %s",
            name,
            letters,
            rate == null ? "no rate limit" : rate + " letters/s",
            sender.description));
    ExecutorService sending = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-sender"));
    ProcessCpu.Sample cpuBefore = cpu.sample();
    ThreadCpu threads = ThreadCpu.start();
    long t0 = System.nanoTime();
    try (PgWaits waits = PgWaits.start(jdbi)) {
      long actionId = actions.start(request, "bench-replay", "cli").id();
      long started = System.nanoTime();
      Future<Long> sent =
          sending.submit(
              () -> {
                actions.run(actionId, progress -> {});
                return System.nanoTime();
              });
      long deadline = t0 + timeout.toNanos();
      ReplayProgress progress = new ReplayProgress(jdbi, actionId, fingerprint);
      ReplayProgress.Sample last = progress.sample();
      while (System.nanoTime() < deadline) {
        last = progress.sample();
        if (sent.isDone()) {
          sent.get(); // a sender that failed fails the phase here, with its own error
        }
        if (last.resolved() == letters || (sent.isDone() && last.replaying() == 0)) {
          break;
        }
        Thread.sleep(POLL_MS);
      }
      long t1 = System.nanoTime();
      ProcessCpu.Sample cpuAfter = cpu.sample();
      Map<String, Double> threadCores = threads.stop(Integer.MAX_VALUE);
      double javaThreads = threadCores.values().stream().mapToDouble(Double::doubleValue).sum();
      Map<String, Double> cores = ProcessCpu.coresBetween(cpuBefore, cpuAfter);
      boolean finished = last.resolved() == letters;
      Double sentSeconds = sent.isDone() ? (sent.get() - t0) / 1e9 : null;
      Double[] db = progress.dbClock();
      double resolvedSeconds = (t1 - t0) / 1e9;
      return new Run(
          name,
          sender,
          letters,
          rate,
          actionId,
          finished,
          last.resolved(),
          last.waiting(),
          last.replaying(),
          progress.resolvedOutcomes(),
          ReplayProgress.uploadsCounted(jdbi) - countedBefore,
          (started - t0) / 1e9,
          sentSeconds,
          resolvedSeconds,
          db[0],
          db[1],
          last.resolved() / resolvedSeconds,
          sentSeconds == null ? null : letters / sentSeconds,
          ProcessCpu.seconds(cpuBefore, cpuAfter, "jvm"),
          ProcessCpu.seconds(cpuBefore, cpuAfter, "postgres"),
          ProcessCpu.seconds(cpuBefore, cpuAfter, "kafka"),
          progress.averageUnpublished(),
          progress.mostUnpublished(),
          progress.averageAtWorker(),
          progress.mostAtWorker(),
          cores,
          top(threadCores, 10),
          Math.round(Math.max(0, cores.get("jvm") - javaThreads) * 100) / 100.0,
          waits.averages());
    } finally {
      // A sender still running after the time box is stopped with the stack; the caller runs
      // nothing after an unfinished phase.
      sending.shutdownNow();
      sending.awaitTermination(1, TimeUnit.SECONDS);
    }
  }

  private static Map<String, Double> top(Map<String, Double> sorted, int limit) {
    Map<String, Double> top = new LinkedHashMap<>();
    sorted.entrySet().stream().limit(limit).forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }
}
