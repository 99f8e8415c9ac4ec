package dev.uploads.peers;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Times the Debezium relay draining the backlog: from the engine's start line, or, after a warm-up,
 * from the moment the broker holds every warm-up record (the backlog rows come after them in the
 * WAL, so they are all still waiting then), until the broker holds every backlog record. Polls end
 * offsets every 50 ms. CPU is the Debezium JVM's and the walsender's (PostgreSQL decoding the WAL
 * for the slot) over the same span.
 */
final class Drain {
  private static final Duration START_BOUND = Duration.ofSeconds(90);
  private static final long POLL_MILLIS = 50;

  record Result(
      String debezium,
      String kafkaClients,
      double seconds,
      double cpuSeconds,
      double walsenderCpuSeconds,
      double sinceEngineStartSeconds,
      double taskStartedSeconds) {}

  private final EngineProcess engine;
  private final OutboxBacklog backlog;
  private long deadline;
  private OptionalLong walsender = OptionalLong.empty();

  private Drain(EngineProcess engine, OutboxBacklog backlog) {
    this.engine = engine;
    this.backlog = backlog;
  }

  /** {@code warmup} may be null when {@code warmupEvents} is 0. */
  static Result measure(
      EngineProcess engine,
      OutboxBacklog backlog,
      BenchTopic warmup,
      long warmupEvents,
      BenchTopic topic,
      long events,
      Duration bound)
      throws Exception {
    Drain drain = new Drain(engine, backlog);
    String[] starting = engine.await("engine-starting", START_BOUND).split(" ");
    long engineStart = engine.arrival("engine-starting");
    drain.deadline = engineStart + bound.toNanos();
    if (warmupEvents > 0) {
      drain.await(warmup, warmupEvents);
    }
    long start = warmupEvents > 0 ? System.nanoTime() : engineStart;
    double cpuStart = engine.cpuSeconds();
    double walsenderStart = drain.walsenderCpu();
    drain.await(topic, events);
    long end = System.nanoTime();
    return new Drain.Result(
        starting[1],
        starting[2],
        (end - start) / 1e9,
        engine.cpuSeconds() - cpuStart,
        drain.walsenderCpu() - walsenderStart,
        (end - engineStart) / 1e9,
        (engine.arrival("task-started") - engineStart) / 1e9);
  }

  private void await(BenchTopic topic, long records) throws Exception {
    for (long acked = 0; acked < records; acked = topic.records()) {
      if (!engine.isAlive()) {
        throw new IllegalStateException("the Debezium relay died" + engine.tail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            acked + " of " + records + " records on " + topic.name + " in the time allowed");
      }
      if (walsender.isEmpty()) {
        walsender = backlog.walsenderPid();
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** 0 before the walsender exists: it is born after the engine's start. */
  private double walsenderCpu() {
    return walsender.isPresent() ? EngineProcess.cpuSeconds(walsender.getAsLong()) : 0;
  }
}
