package dev.uploads.bench.stack;

import dev.uploads.schema.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Waits until the system has finished the work a phase gave it: the outbox is empty and the
 * worker's jobs (if the stack runs a worker) have consumed everything on {@code uploads}. Their
 * results are events too, so the outbox is checked again at the end. Without this, one phase's
 * leftovers would run during (and be charged to) the next.
 */
public final class Quiescence {
  private final String uploadsDb;
  private final String bootstrap;

  public record Result(boolean quiet, double seconds, Map<String, Long> lagAtStart) {}

  public Quiescence(String uploadsDb, String bootstrap) {
    this.uploadsDb = uploadsDb;
    this.bootstrap = bootstrap;
  }

  /**
   * With {@code worker} false only the outbox must empty (the worker is stopped: lag only grows).
   */
  public Result await(Duration bound, boolean worker) throws Exception {
    long start = System.nanoTime();
    if (!worker) {
      boolean quiet = Sql.awaitEmptyOutbox(uploadsDb, bound);
      return new Result(quiet, (System.nanoTime() - start) / 1e9, Map.of());
    }
    long deadline = start + bound.toNanos();
    Map<String, Long> lagAtStart = null;
    try (KafkaTopics kafka = new KafkaTopics(bootstrap)) {
      while (System.nanoTime() < deadline) {
        Map<String, Long> lag = workerLag(kafka);
        lagAtStart = lagAtStart == null ? lag : lagAtStart;
        if (lag.values().stream().allMatch(l -> l == 0)
            && Sql.awaitEmptyOutbox(uploadsDb, Duration.ofNanos(deadline - System.nanoTime()))
            && workerLag(kafka).values().stream().allMatch(l -> l == 0)) {
          return new Result(true, (System.nanoTime() - start) / 1e9, lagAtStart);
        }
        Thread.sleep(500);
      }
    }
    return new Result(false, (System.nanoTime() - start) / 1e9, lagAtStart);
  }

  /** Unconsumed records per job; jobs whose consumer group does not exist are left out. */
  public static Map<String, Long> workerLag(KafkaTopics kafka) throws Exception {
    Map<String, Long> lag = new LinkedHashMap<>();
    for (String job : Topics.JOBS) {
      OptionalLong behind = kafka.lag(job, Topics.UPLOADS);
      if (behind.isPresent()) {
        lag.put(job, behind.getAsLong());
      }
    }
    return lag;
  }
}
