package dev.uploads.reference;

import dev.uploads.infra.LocalKafka;
import dev.uploads.infra.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Runs every reference measurement once, on a fresh PostgreSQL (durable defaults, as the benchmarks
 * use) and Kafka in a temporary directory, and prints one JSON line per figure, between lines on
 * how busy the machine was before and after. A measurement that cannot run prints a line with its
 * error, and the demo then exits with status 1. Takes about two minutes.
 *
 * <p>Options: --records=200000 --pgbench-seconds=15 --pgbench-clients=8 --fsync-seconds=2
 * --vips-runs=10 --thumbnail-width=512
 */
public final class ReferenceDemo {
  private static final String DATABASE = "reference";
  private static final String TOPIC = "reference";
  private static final int TOPIC_PARTITIONS = 6; // as the uploads topic in the benchmarks

  private final Map<String, Integer> options;
  private final Tools tools = Tools.local();
  private boolean failed;

  private ReferenceDemo(Map<String, Integer> options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Map<String, Integer> options = new LinkedHashMap<>();
    options.put("records", 200_000);
    options.put("pgbench-seconds", 15);
    options.put("pgbench-clients", 8);
    options.put("fsync-seconds", 2);
    options.put("vips-runs", 10);
    options.put("thumbnail-width", 512);
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      if (kv.length != 2 || !options.containsKey(kv[0])) {
        throw new IllegalArgumentException("unknown option " + arg + "; known: " + options);
      }
      options.put(kv[0], Integer.parseInt(kv[1]));
    }
    Path dir = Files.createTempDirectory("uploads-reference-");
    boolean failed;
    try {
      failed = new ReferenceDemo(options).runAll(dir);
    } finally {
      delete(dir);
    }
    System.exit(failed ? 1 : 0);
  }

  private boolean runAll(Path dir) throws Exception {
    // Other work on the machine lowers every figure below; this line says how much there was.
    measure("machine", () -> Json.line(Machine.sample(2_000)));
    for (String name : Tools.NAMES) {
      measure(name, () -> tools.get(name).json());
    }
    CompletableFuture<LocalKafka> kafkaStart =
        CompletableFuture.supplyAsync(() -> LocalKafka.start(dir.resolve("kafka"), 0, 0));
    try (LocalPostgres postgres = LocalPostgres.start(dir.resolve("postgres"), 0, Map.of());
        LocalKafka kafka = kafkaStart.join()) {
      // Beside the data directory, on its file system; the server is idle meanwhile.
      measure(
          "pg_test_fsync",
          () ->
              Json.line(
                  PgTestFsync.run(tools.get("pg_test_fsync"), dir, options.get("fsync-seconds"))));

      RelayRecordSize record = RelayRecordSize.uploadReceived();
      System.out.println(Json.line(record));
      measure("pgbench", () -> Json.line(pgbench(postgres, dir, record)));

      kafka.createTopics(Map.of(TOPIC, TOPIC_PARTITIONS));
      KafkaToolJvm jvm = new KafkaToolJvm(KafkaToolJvm.DEFAULT_LIB);
      int records = options.get("records");
      Path runs = dir.resolve("kafka-tools");
      measure(
          "kafka_producer_performance",
          () ->
              Json.line(
                  KafkaProducerPerf.run(
                      jvm,
                      kafka.bootstrapServers(),
                      TOPIC,
                      records,
                      record.total(),
                      Map.of(),
                      runs)));
      // Again with the relay's batching (RelayProducer: linger.ms=1, batch.size=256 KiB), since
      // the producer's default 16 KiB batches hold only about 30 records of this size.
      Map<String, String> relayBatching =
          Map.of("linger.ms", "1", "batch.size", Integer.toString(256 * 1024));
      measure(
          "kafka_producer_performance",
          () ->
              Json.line(
                  KafkaProducerPerf.run(
                      jvm,
                      kafka.bootstrapServers(),
                      TOPIC,
                      records,
                      record.total(),
                      relayBatching,
                      runs)));
      measure(
          "kafka_consumer_performance",
          () ->
              Json.line(
                  KafkaConsumerPerf.run(jvm, kafka.bootstrapServers(), TOPIC, records, runs)));
    }
    // Kafka and PostgreSQL are stopped: the thumbnails have both cores to themselves.
    int width = options.get("thumbnail-width");
    Path small = SampleJpeg.write(dir.resolve("1mp.jpg"), 1155, 866, 1);
    Path large = SampleJpeg.write(dir.resolve("12mp.jpg"), 4000, 3000, 2);
    for (Path jpeg : new Path[] {small, large}) {
      measure(
          "vipsthumbnail",
          () ->
              Json.line(
                  VipsThumbnail.run(
                      tools.get("vipsthumbnail"),
                      jpeg,
                      width,
                      options.get("vips-runs"),
                      dir.resolve("vips"))));
    }
    // Load that arrived during the run shows in the one-minute load average here.
    measure("machine", () -> Json.line(Machine.sample(2_000)));
    return failed;
  }

  /** One row per transaction, autocommitted: a relay-sized event written durably, nothing else. */
  private Pgbench.Result pgbench(LocalPostgres postgres, Path dir, RelayRecordSize record)
      throws Exception {
    postgres.createDatabaseIfMissing(DATABASE);
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(DATABASE), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(
          """
          CREATE TABLE IF NOT EXISTS reference_events (
            id bigserial PRIMARY KEY,
            topic text NOT NULL,
            event_key text NOT NULL,
            payload bytea NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now())""");
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the pgbench table", e);
    }
    Path script =
        Files.writeString(
            dir.resolve("insert-event.sql"),
            "\\set n random(1, 1000000000)\n"
                + "INSERT INTO reference_events (topic, event_key, payload) VALUES ('"
                + TOPIC
                + "', md5(:n::text), convert_to(repeat('x', "
                + record.valueBytes()
                + "), 'UTF8'));\n");
    int clients = options.get("pgbench-clients");
    return Pgbench.run(
        tools.get("pgbench"),
        new Pgbench.Target("127.0.0.1", postgres.port(), DATABASE, LocalPostgres.USER),
        script,
        clients,
        Math.min(2, clients),
        options.get("pgbench-seconds"));
  }

  private interface Measurement {
    String jsonLine() throws Exception;
  }

  private void measure(String reference, Measurement measurement) {
    String line;
    try {
      line = measurement.jsonLine();
    } catch (Exception e) {
      failed = true;
      line =
          "{\"reference\":"
              + Tools.quote(reference)
              + ",\"error\":"
              + Tools.quote(String.valueOf(e.getMessage()))
              + "}";
    }
    System.out.println(line);
    System.out.flush();
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
