package dev.uploads.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The relay drain benchmark (ops/stack's RelayDrain) run against Debezium: N outbox rows of the
 * same shape, already committed, and Debezium's embedded engine with its outbox event router
 * publishing them to a fresh 6-partition topic with the relay's producer settings, timed until the
 * broker holds all N (see {@link Drain}); then every record is checked against its row. Prints one
 * JSON line on stdout (progress goes to stderr); exits 1 when the delivery is not complete.
 *
 * <p>Debezium reads the rows from the WAL through a replication slot made before the fill, so the
 * backlog it drains is in the WAL, not in the table: unlike the relay, it leaves the rows in place.
 */
public final class DebeziumRelayBench {
  private static final Duration CHECK_BOUND = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  private DebeziumRelayBench() {}

  public static void main(String[] args) throws Exception {
    PeerOptions options = PeerOptions.parse(args);
    Path work = Files.createTempDirectory("peer-debezium-");
    int status;
    try {
      status = run(options, work);
    } finally {
      delete(work);
    }
    System.exit(status);
  }

  private static int run(PeerOptions options, Path work) throws Exception {
    String name = "peer_debezium_" + System.currentTimeMillis();
    say("PostgreSQL and Kafka: " + (options.jdbcUrl() == null ? "starting" : "given"));
    try (Services services = Services.startOrUse(options, work)) {
      requireLogicalWal(services.adminUrl);
      try (OutboxBacklog backlog = OutboxBacklog.create(services, name);
          BenchTopic warmup = new BenchTopic(services.bootstrap, name + "-warmup");
          BenchTopic topic = new BenchTopic(services.bootstrap, name)) {
        say("outbox: " + options.warmupEvents() + " warm-up rows, then " + options.events());
        backlog.fill(warmup.name, options.warmupEvents());
        long fillStart = System.nanoTime();
        backlog.fill(topic.name, options.events());
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        Drain.Result drain;
        try (EngineProcess engine =
            EngineProcess.start(
                options.engineClasspath(),
                engineArgs(options, services, backlog, work),
                work.resolve("debezium.log"))) {
          drain =
              Drain.measure(
                  engine,
                  backlog,
                  warmup,
                  options.warmupEvents(),
                  topic,
                  options.events(),
                  options.timeout());
        }
        say(String.format("drained %d records in %.2f s", options.events(), drain.seconds()));
        say("checking every record against its outbox row");
        Delivery.Check check =
            Delivery.check(topic, backlog.rows(topic.name), options.events(), CHECK_BOUND);
        long warmupRecords = warmup.records();
        boolean complete =
            check.complete(options.events()) && warmupRecords == options.warmupEvents();
        if (!complete) {
          say("INCOMPLETE: " + check + "; warm-up records on their topic: " + warmupRecords);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("peer", "debezium");
        result.put("version", drain.debezium());
        result.put("kafka_clients", drain.kafkaClients());
        result.put("events", options.events());
        result.put("seconds", round(drain.seconds(), 3));
        result.put("events_per_second", round(options.events() / drain.seconds(), 1));
        result.put("cpu_seconds", round(drain.cpuSeconds(), 2));
        result.put("cpu_seconds_per_1000", round(drain.cpuSeconds() * 1000 / options.events(), 4));
        result.put("timed_from", timedFrom(options));
        result.put("warmup_events", options.warmupEvents());
        result.put("since_engine_start_seconds", round(drain.sinceEngineStartSeconds(), 3));
        result.put("task_started_seconds", round(drain.taskStartedSeconds(), 3));
        result.put("walsender_cpu_seconds", round(drain.walsenderCpuSeconds(), 2));
        result.put("engine_properties", options.engineProperties());
        result.put("payload_bytes_avg", round(backlog.averagePayloadBytes(topic.name), 1));
        result.put("rows_per_transaction", OutboxBacklog.ROWS_PER_TRANSACTION);
        result.put("fill_seconds", round(fillSeconds, 2));
        result.put("partitions", BenchTopic.PARTITIONS);
        result.put("records_on_topic", topic.records());
        result.put("records_matching_rows", check.matched());
        result.put("complete", complete);
        System.out.println(JSON.writeValueAsString(result));
        return complete ? 0 : 1;
      }
    }
  }

  private static List<String> engineArgs(
      PeerOptions options, Services services, OutboxBacklog backlog, Path work) {
    List<String> args = new ArrayList<>();
    args.add("--host=" + services.host);
    args.add("--port=" + services.port);
    args.add("--database=" + backlog.database);
    args.add("--slot=" + backlog.database);
    args.add("--publication=" + backlog.database);
    args.add("--bootstrap=" + services.bootstrap);
    args.add("--offsets=" + work.resolve("offsets.dat"));
    options.engineProperties().forEach((k, v) -> args.add("--property=" + k + "=" + v));
    return args;
  }

  private static String timedFrom(PeerOptions options) {
    String rest =
        ", the N rows committed before the engine started (slot made before the fill,"
            + " snapshot.mode=no_data), until the broker holds N records";
    return options.warmupEvents() > 0
        ? "the broker holding all warm-up records (committed before the N rows)" + rest
        : "engine start" + rest;
  }

  private static void requireLogicalWal(String adminUrl) throws Exception {
    try (Connection c = DriverManager.getConnection(adminUrl, "postgres", "");
        ResultSet r = c.createStatement().executeQuery("SHOW wal_level")) {
      r.next();
      if (!"logical".equals(r.getString(1))) {
        throw new IllegalStateException(
            "PostgreSQL runs with wal_level=" + r.getString(1) + "; pgoutput needs logical");
      }
    }
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  private static void say(String line) {
    System.err.println(line);
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
