package dev.uploads.bench.peer;

import dev.uploads.bench.kit.Child;
import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.stack.KafkaTopics;
import dev.uploads.infra.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The relay drain run against Debezium's embedded engine (ops/peers/debezium, started by the kit's
 * launcher on that module's own classpath: Debezium pins other Kafka and Jackson versions). N
 * outbox rows of the relay drain's shape, committed behind a replication slot made before the fill,
 * are streamed out of the WAL by the PostgreSQL connector (pgoutput) and the outbox event router
 * and published with the relay's producer settings to a fresh 6-partition topic.
 *
 * <p>Timed from the moment the broker holds every warm-up record (those rows come first in the WAL,
 * so the N are all still waiting) until it holds N records (end offsets every 50 ms); then every
 * record is checked against its row ({@link Delivery}). CPU is the Debezium JVM's plus the
 * walsender's (PostgreSQL decoding the WAL for the slot) over the same span. Unlike the relay,
 * Debezium leaves the rows in the table.
 */
public final class DebeziumDrain {
  private static final String MAIN = "dev.uploads.peers.debezium.DebeziumRelay";
  private static final Path MODULE = Path.of("ops/peers/debezium/target");
  private static final Duration START_BOUND = Duration.ofSeconds(90);
  private static final Duration CHECK_BOUND = Duration.ofSeconds(120);

  private DebeziumDrain() {}

  /** Returns the result as the suite's details record it; {@code complete} says if it counts. */
  public static Map<String, Object> run(
      LocalPostgres postgres, String bootstrap, int events, int warmupEvents, Path work)
      throws Exception {
    Path classes = MODULE.resolve("classes").toAbsolutePath();
    if (!Files.isDirectory(classes) || !Files.isDirectory(MODULE.resolve("lib"))) {
      throw new IllegalStateException(
          "Debezium's relay is not built: mvn -pl ops/peers/debezium package");
    }
    String name = "peer_debezium_" + System.currentTimeMillis();
    Files.createDirectories(work);
    try (OutboxBacklog backlog = OutboxBacklog.create(postgres, name);
        KafkaTopics kafka = new KafkaTopics(bootstrap)) {
      String warmup = name + "_warmup";
      kafka.create(warmup, 6);
      kafka.create(name, 6);
      backlog.fill(warmup, warmupEvents);
      backlog.fill(name, events);
      List<String> args =
          List.of(
              "--host=127.0.0.1",
              "--port=" + postgres.port(),
              "--database=" + name,
              "--slot=" + name,
              "--publication=" + name,
              "--bootstrap=" + bootstrap,
              "--offsets=" + work.resolve("offsets.dat"));
      Map<String, Object> result = new LinkedHashMap<>();
      try (Child engine =
          Child.java(
              classes + ":" + MODULE.toAbsolutePath().resolve("lib") + "/*",
              List.of("-Xmx1g"),
              MAIN,
              args,
              work.resolve("debezium"))) {
        String[] starting = engine.next("engine-starting", START_BOUND).split(" ");
        long deadline = System.nanoTime() + Duration.ofSeconds(120 + events / 500).toNanos();
        OptionalLong walsender = await(engine, backlog, kafka, warmup, warmupEvents, deadline);
        long start = System.nanoTime();
        double engineCpu = Cpu.process(engine.pid());
        double walsenderCpu = walsender.isPresent() ? Cpu.process(walsender.getAsLong()) : 0;
        await(engine, backlog, kafka, name, events, deadline);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = Cpu.process(engine.pid()) - engineCpu;
        double walsenderUse =
            walsender.isPresent() ? Cpu.process(walsender.getAsLong()) - walsenderCpu : 0;
        result.put("version", starting[1]);
        result.put("kafka_clients", starting[2]);
        result.put("events", events);
        result.put("warmup_events", warmupEvents);
        result.put("seconds", seconds);
        result.put("events_per_second", events / seconds);
        result.put("cpu_seconds", cpu);
        result.put("walsender_cpu_seconds", walsenderUse);
      }
      Delivery.Check check = Delivery.check(kafka, name, backlog.rows(name), events, CHECK_BOUND);
      result.put("records_matching_rows", check.matched());
      result.put("problems", check.problems());
      result.put("complete", check.complete(events) && kafka.endOffsetSum(warmup) == warmupEvents);
      return result;
    }
  }

  /** Until the topic holds {@code records}; returns the walsender, once it is there. */
  private static OptionalLong await(
      Child engine,
      OutboxBacklog backlog,
      KafkaTopics kafka,
      String topic,
      long records,
      long deadline)
      throws Exception {
    OptionalLong walsender = OptionalLong.empty();
    for (long acked = 0; acked < records; acked = kafka.endOffsetSum(topic)) {
      if (!engine.alive() || System.nanoTime() > deadline) {
        String why = engine.alive() ? " in the time allowed" : "; the Debezium relay died";
        throw new IllegalStateException(acked + " of " + records + " records on " + topic + why);
      }
      walsender = walsender.isPresent() ? walsender : backlog.walsenderPid();
      Thread.sleep(50);
    }
    return walsender.isPresent() ? walsender : backlog.walsenderPid();
  }
}
