package dev.uploads.bench.suite;

import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.kit.Figure;
import dev.uploads.bench.peer.DebeziumDrain;
import dev.uploads.bench.reference.KafkaTools;
import dev.uploads.bench.stack.KafkaTopics;
import dev.uploads.bench.stack.RelayDrain;
import dev.uploads.bench.stack.Sql;
import dev.uploads.infra.LocalKafka;
import dev.uploads.infra.LocalPostgres;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.EventJson;
import dev.uploads.schema.UploadReceived;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The relay draining a backlog of committed outbox rows ({@link RelayDrain}), against Kafka's
 * ProducerPerformance sending as many records of the same size to the same broker, and against
 * Debezium's embedded engine (ops/peers) relaying as many outbox rows from the same PostgreSQL to
 * the same broker. PostgreSQL runs with wal_level=logical for all three, since Debezium decodes the
 * WAL; for the relay that only adds a little WAL to its deletes. Rounds alternate the order.
 */
final class RelayScenario {
  private final Context ctx;
  private final boolean relay;
  private final boolean peer;
  private final Figure vsProducer;
  private final Figure vsDebezium;
  private final Figure cpuVsDebezium;

  RelayScenario(Context ctx, boolean relay, boolean peer) {
    this.ctx = ctx;
    this.relay = relay;
    this.peer = peer;
    String rows = String.format("%,d-row backlog", ctx.options().relayRows());
    vsProducer =
        new Figure(
                "relay",
                "events/s draining a " + rows,
                "/s",
                "ProducerPerformance, same record size, acks=all, idempotent",
                Figure.Target.ratioAtLeast(0.5))
            .cpuBasis(
                "ours: relay JVM + PostgreSQL + broker; ProducerPerformance: tool JVM + broker");
    vsDebezium =
        new Figure(
                "relay peer",
                "events/s draining a " + rows,
                "/s",
                "Debezium embedded engine, pgoutput, outbox event router",
                Figure.Target.ratioAtLeast(1.0))
            .cpuBasis("relay process + PostgreSQL: relay JVM; Debezium's JVM + its walsender");
    cpuVsDebezium =
        new Figure(
            "relay peer",
            "CPU-s per 1,000 events (relay + PostgreSQL)",
            "CPU-s",
            "Debezium, the same",
            Figure.Target.ratioAtMost(1.0));
    if (relay) {
      ctx.report().add(vsProducer);
    }
    if (peer) {
      ctx.report().add(vsDebezium);
      ctx.report().add(cpuVsDebezium);
    }
  }

  void run() throws Exception {
    SuiteOptions o = ctx.options();
    Path dir = ctx.data().resolve("relay");
    ctx.say("relay: starting PostgreSQL (wal_level=logical) and Kafka");
    try (LocalPostgres postgres =
            LocalPostgres.start(dir.resolve("postgres"), 0, Map.of("wal_level", "logical"));
        LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0, 0)) {
      Cpu cpu = new Cpu(dir.resolve("postgres"));
      // prefill and drain, the producer tool, the peer with its own fill and check
      int[] recordBytes = {typicalRecordBytes()};
      ctx.rounds(
          "relay",
          o.round("relay", "relay-peer"),
          r -> {
            List<Context.Step> steps = new ArrayList<>();
            steps.add(() -> recordBytes[0] = ours(postgres, kafka, cpu, r));
            if (relay) {
              steps.add(() -> producer(kafka, cpu, r, recordBytes[0]));
            }
            if (peer) {
              steps.add(() -> debezium(postgres, kafka, r));
            }
            return steps;
          });
    }
  }

  /** Returns the bytes of the records it sent, for the producer tool. */
  private int ours(LocalPostgres postgres, LocalKafka kafka, Cpu cpu, int round) throws Exception {
    String database = "relay_drain_" + round;
    RelayDrain.Prepared prepared =
        RelayDrain.prepare(
            postgres.port(), kafka.bootstrapServers(), ctx.options().relayRows(), database);
    Cpu.Sample a = cpu.sample();
    RelayDrain.Result result = RelayDrain.drain(prepared);
    Cpu.Use use = Cpu.between(a, cpu.sample());
    Sql.execute(postgres.jdbcUrl("postgres"), "DROP DATABASE " + database);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("round", round);
    detail.put("result", result);
    detail.put("cpu_seconds", use);
    ctx.report().detail("relay_drain", detail);
    if (!result.drained() || result.recordsOnTopic() < result.backlog().backlog()) {
      throw new IllegalStateException(
          String.format(
              "the relay did not drain the backlog: %d of %d on the topic",
              result.recordsOnTopic(), result.backlog().backlog()));
    }
    double events = result.backlog().backlog();
    vsProducer.ours(result.eventsPerSecond(), Cpu.Use.per1000(use.all(), events));
    Double relayAndPostgres = Cpu.Use.per1000(use.jvm() + use.postgres(), events);
    vsDebezium.ours(result.eventsPerSecond(), relayAndPostgres);
    cpuVsDebezium.ours(relayAndPostgres, null);
    ctx.say("   relay round %d: %,.0f events/s", round, result.eventsPerSecond());
    return recordBytes(result.backlog().payloadBytes());
  }

  private void producer(LocalKafka kafka, Cpu cpu, int round, int recordBytes) throws Exception {
    String topic = "bench-producer-perf-" + round;
    try (KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers())) {
      topics.create(topic, 6);
    }
    Cpu.Sample a = cpu.sample();
    try {
      int rows = ctx.options().relayRows();
      KafkaTools.Run r =
          KafkaTools.producer(
              kafka.bootstrapServers(), topic, rows, recordBytes, 0, log("producer-" + round));
      Cpu.Use use = Cpu.between(a, cpu.sample());
      vsProducer.theirs(
          r.recordsPerSecond(), Cpu.Use.per1000(r.cpuSeconds() + use.kafka(), r.records()));
      ctx.report()
          .detail(
              "relay_producer_performance",
              Map.of("round", round, "result", r, "cpu_seconds", use));
      ctx.say("   ProducerPerformance round %d: %,.0f records/s", round, r.recordsPerSecond());
    } catch (KafkaTools.NotAvailable e) {
      vsProducer.theirsMissing(e.getMessage());
    }
  }

  private void debezium(LocalPostgres postgres, LocalKafka kafka, int round) throws Exception {
    int rows = ctx.options().relayRows();
    Map<String, Object> r;
    try {
      r =
          DebeziumDrain.run(
              postgres,
              kafka.bootstrapServers(),
              rows,
              ctx.options().peerWarmupRows(),
              ctx.data().resolve("debezium-" + round));
      ctx.report().detail("relay_debezium", Map.of("round", round, "result", r));
      if (!(Boolean) r.get("complete")) {
        throw new IllegalStateException("its delivery was incomplete: " + r.get("problems"));
      }
    } catch (Exception e) {
      vsDebezium.theirsMissing("Debezium: " + e.getMessage());
      cpuVsDebezium.theirsMissing("Debezium: " + e.getMessage());
      return;
    }
    double perSecond = (Double) r.get("events_per_second");
    double cpuSeconds = (Double) r.get("cpu_seconds") + (Double) r.get("walsender_cpu_seconds");
    Double per1000 = Cpu.Use.per1000(cpuSeconds, rows);
    vsDebezium.theirs(perSecond, per1000);
    cpuVsDebezium.theirs(per1000, null);
    ctx.say("   Debezium round %d: %,.0f events/s", round, perSecond);
  }

  /**
   * The bytes of one upload.received record as the relay sends it, with the given average payload
   * (e.g. what a relay drain's outbox rows held): value, key (an upload id) and the envelope
   * headers (RelayRecords). Kafka's tools send a value alone, so they are given the total, for the
   * same bytes per record on the wire.
   */
  static int recordBytes(double payloadBytes) {
    Map<String, String> headers =
        Map.of(
            EventHeaders.EVENT_ID, UUID.randomUUID().toString(),
            EventHeaders.EVENT_TYPE, UploadReceived.TYPE,
            EventHeaders.EVENT_VERSION, Integer.toString(UploadReceived.VERSION),
            EventHeaders.OCCURRED_AT, Instant.parse("2026-11-23T12:00:00.123456Z").toString(),
            EventHeaders.TRACEPARENT, "00-" + "0".repeat(32) + "-" + "0".repeat(16) + "-01");
    int headerBytes =
        headers.entrySet().stream().mapToInt(e -> utf8(e.getKey()) + utf8(e.getValue())).sum();
    return (int) Math.round(payloadBytes) + utf8(UUID.randomUUID().toString()) + headerBytes;
  }

  /** As {@link #recordBytes}, with a payload like the API writes for a small upload. */
  static int typicalRecordBytes() {
    String hex64 = "0123456789abcdef".repeat(4);
    String value =
        EventJson.write(
            new UploadReceived(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "bench-1.jpg",
                "image/jpeg",
                2_500L,
                hex64,
                hex64));
    return recordBytes(utf8(value));
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private Path log(String name) {
    return ctx.data().resolve("references").resolve(name);
  }
}
