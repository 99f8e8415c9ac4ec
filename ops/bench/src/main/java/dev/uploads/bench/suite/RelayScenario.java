package dev.uploads.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.bench.stack.KafkaTopics;
import dev.uploads.bench.stack.RelayDrain;
import dev.uploads.bench.stack.Sql;
import dev.uploads.infra.LocalKafka;
import dev.uploads.infra.LocalPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
      SystemCpu cpu = new SystemCpu(dir.resolve("postgres"));
      // prefill and drain, the producer tool, the peer with its own fill and check
      Duration round = Duration.ofSeconds(40 + o.relayRows() / 2_500L);
      for (int r = 1; r <= o.rounds(); r++) {
        if (r > 1 && !ctx.fits(round)) {
          ctx.report().note("relay: rounds " + r + ".." + o.rounds() + " not run: time budget");
          break;
        }
        int n = r;
        int[] recordBytes = {RelayRecordBytes.typical()};
        Step ours = () -> recordBytes[0] = ours(postgres, kafka, cpu, n);
        Step producer = () -> producer(kafka, cpu, n, recordBytes[0]);
        Step debezium = () -> debezium(postgres, kafka, n);
        List<Step> steps = new ArrayList<>(List.of(ours));
        if (relay) {
          steps.add(producer);
        }
        if (peer) {
          steps.add(debezium);
        }
        if (r % 2 == 0) {
          java.util.Collections.reverse(steps);
        }
        for (Step step : steps) {
          step.run();
        }
      }
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  /** Returns the bytes of the records it sent, for the producer tool. */
  private int ours(LocalPostgres postgres, LocalKafka kafka, SystemCpu cpu, int round)
      throws Exception {
    String database = "relay_drain_" + round;
    RelayDrain.Prepared prepared =
        RelayDrain.prepare(
            postgres.port(), kafka.bootstrapServers(), ctx.options().relayRows(), database);
    SystemCpu.Sample a = cpu.sample();
    RelayDrain.Result result = RelayDrain.drain(prepared);
    SystemCpu.Use use = SystemCpu.between(a, cpu.sample());
    Sql.execute(postgres.jdbcUrl("postgres"), "DROP DATABASE " + database);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("round", round);
    detail.put("result", result);
    detail.put("cpu_seconds", use.json());
    ctx.report().detail("relay_drain", detail);
    if (!result.drained() || result.recordsOnTopic() < result.backlog()) {
      throw new IllegalStateException(
          "the relay did not drain the backlog: "
              + result.recordsOnTopic()
              + " of "
              + result.backlog()
              + " on the topic");
    }
    double events = result.backlog();
    vsProducer.ours(result.eventsPerSecond(), SystemCpu.Use.per1000(use.all(), events));
    Double relayAndPostgres = SystemCpu.Use.per1000(use.jvm() + use.postgres(), events);
    vsDebezium.ours(result.eventsPerSecond(), relayAndPostgres);
    cpuVsDebezium.ours(relayAndPostgres, null);
    ctx.say(String.format("   relay round %d: %,.0f events/s", round, result.eventsPerSecond()));
    return RelayRecordBytes.withPayload(result.payloadBytes());
  }

  private void producer(LocalKafka kafka, SystemCpu cpu, int round, int recordBytes)
      throws Exception {
    String topic = "bench-producer-perf-" + round;
    try (KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers())) {
      topics.create(topic, 6);
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                kafka.bootstrapServers(),
                topic,
                Integer.toString(ctx.options().relayRows()),
                Integer.toString(recordBytes)));
    args.addAll(BrokerReference.RELAY_PRODUCER.subList(2, BrokerReference.RELAY_PRODUCER.size()));
    SystemCpu.Sample a = cpu.sample();
    try {
      JsonNode r =
          References.json(
              References.PRODUCER_PERF,
              args,
              Duration.ofSeconds(300 + ctx.options().relayRows() / 2_000),
              log("producer-perf-" + round));
      SystemCpu.Use use = SystemCpu.between(a, cpu.sample());
      double records = r.path("records").asDouble();
      vsProducer.theirs(
          r.path("records_per_second").asDouble(),
          SystemCpu.Use.per1000(r.path("cpu_seconds").asDouble() + use.kafka(), records));
      ctx.report()
          .detail(
              "relay_producer_performance",
              Map.of("round", round, "result", r, "cpu_seconds", use.json()));
      ctx.say(
          String.format(
              "   ProducerPerformance round %d: %,.0f records/s",
              round, r.path("records_per_second").asDouble()));
    } catch (References.NotAvailable e) {
      vsProducer.theirsMissing(e.getMessage());
    }
  }

  private void debezium(LocalPostgres postgres, LocalKafka kafka, int round) throws Exception {
    int rows = ctx.options().relayRows();
    List<String> args =
        List.of(
            "--events=" + rows,
            "--timeout-seconds=" + (120 + rows / 500),
            "--jdbc-url=" + postgres.jdbcUrl("postgres"),
            "--bootstrap=" + kafka.bootstrapServers());
    try {
      JsonNode r =
          References.json(
              References.DEBEZIUM,
              List.of("-Xmx1g"),
              args,
              Duration.ofSeconds(600 + rows / 250),
              log("debezium-" + round));
      if (!r.path("complete").asBoolean(false)) {
        throw new References.NotAvailable("Debezium's run was incomplete: " + r);
      }
      double cpuSeconds =
          r.path("cpu_seconds").asDouble() + r.path("walsender_cpu_seconds").asDouble(0);
      Double per1000 = SystemCpu.Use.per1000(cpuSeconds, rows);
      vsDebezium.theirs(r.path("events_per_second").asDouble(), per1000);
      cpuVsDebezium.theirs(per1000, null);
      ctx.report().detail("relay_debezium", Map.of("round", round, "result", r));
      ctx.say(
          String.format(
              "   Debezium round %d: %,.0f events/s",
              round, r.path("events_per_second").asDouble()));
    } catch (References.NotAvailable e) {
      vsDebezium.theirsMissing(e.getMessage());
      cpuVsDebezium.theirsMissing(e.getMessage());
    }
  }

  private Path log(String name) {
    return ctx.data().resolve("references").resolve(name);
  }
}
