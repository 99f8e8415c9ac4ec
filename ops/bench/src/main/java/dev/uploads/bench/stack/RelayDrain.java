package dev.uploads.bench.stack;

import com.codahale.metrics.MetricRegistry;
import dev.uploads.api.relay.KafkaSettings;
import dev.uploads.api.relay.OutboxRelay;
import dev.uploads.api.relay.RelayMetrics;
import dev.uploads.api.relay.RelayProducer;
import dev.uploads.api.relay.RelaySettings;
import dev.uploads.schema.OutboxSignal;
import dev.uploads.schema.trace.Tracing;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jackson.Jackson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * How fast one relay empties a backlog: a fresh database with {@code backlog} outbox rows and no
 * relay, then one relay built as the API builds it (default settings, a pooled data source, the
 * relay's own producer), timed from its start until the outbox is empty.
 */
public final class RelayDrain {
  private static final Duration BOUND = Duration.ofMinutes(5);

  public record Result(
      Prepared backlog, boolean drained, double drainSeconds, long recordsOnTopic) {
    public double eventsPerSecond() {
      return drained ? backlog.backlog() / drainSeconds : Double.NaN;
    }
  }

  private RelayDrain() {}

  /** A database with the backlog committed and a fresh topic for it, before any relay runs. */
  public record Prepared(
      String url,
      String bootstrap,
      String topic,
      int backlog,
      double prefillSeconds,
      double payloadBytes) {}

  /** The set-up, apart, so a caller can time (and measure the CPU of) the drain alone. */
  public static Prepared prepare(int postgresPort, String bootstrap, int backlog, String database)
      throws Exception {
    String server = "jdbc:postgresql://127.0.0.1:" + postgresPort + "/";
    Sql.execute(server + "postgres", "CREATE DATABASE " + database);
    String url = server + database;
    Sql.migrate(url);
    String topic = "bench-drain-" + System.currentTimeMillis();
    try (KafkaTopics kafka = new KafkaTopics(bootstrap)) {
      kafka.create(topic, 6);
    }
    // One key per row (an upload id, as in production), so Kafka spreads the records over all six
    // partitions and the relay over all sixteen shards. VACUUM ANALYZE afterwards gives the start
    // state autovacuum would reach by itself (the table's insert threshold is 100,000 rows).
    long fillStart = System.nanoTime();
    fill(url, topic, 1, backlog);
    Sql.execute(url, "VACUUM ANALYZE outbox");
    double prefillSeconds = (System.nanoTime() - fillStart) / 1e9;
    double payload =
        Double.parseDouble(Sql.queryString(url, "SELECT avg(octet_length(payload)) FROM outbox"));
    return new Prepared(url, bootstrap, topic, backlog, prefillSeconds, payload);
  }

  /**
   * Rows {@code first..last} of a backlog in one transaction: an upload.received-shaped payload
   * (about 350 bytes) and a key per row; the Debezium peer fills its outbox with the same rows.
   */
  public static void fill(String url, String topic, int first, int last) throws SQLException {
    try (Connection c = Sql.connect(url);
        PreparedStatement insert =
            c.prepareStatement(
                """
                INSERT INTO outbox (topic, event_key, event_id, event_type, event_version,
                                    occurred_at, traceparent, payload)
                SELECT ?, k::text, gen_random_uuid(), 'upload.received', 1, now(),
                       '00-' || md5(g::text) || '-' || substr(md5(k::text), 1, 16) || '-01',
                       convert_to(json_build_object('upload_id', k, 'account_id', a,
                           'filename', 'bench-' || g || '.jpg', 'content_type', 'image/jpeg',
                           'size_bytes', 1000 + g % 3000, 'sha256', md5(g::text) || md5(k::text),
                           'blob_key', md5(k::text) || md5(g::text))::text, 'UTF8')
                FROM (SELECT g, gen_random_uuid() AS k, gen_random_uuid() AS a
                      FROM generate_series(?::int, ?::int) AS g) AS rows
                """)) {
      insert.setString(1, topic);
      insert.setInt(2, first);
      insert.setInt(3, last);
      insert.executeUpdate();
    }
  }

  /** One relay empties the prepared outbox. */
  public static Result drain(Prepared p) throws Exception {
    MetricRegistry registry = new MetricRegistry();
    // 100 connections: DataSourceFactory's default.
    ManagedDataSource dataSource = Sql.pool(p.url(), "relay-drain", 100);
    Jdbi jdbi =
        Jdbi.create(dataSource)
            .installPlugin(new SqlObjectPlugin())
            .installPlugin(new PostgresPlugin());
    KafkaSettings kafka =
        Jackson.newObjectMapper()
            .convertValue(Map.of("bootstrapServers", p.bootstrap()), KafkaSettings.class);
    OutboxRelay relay =
        new OutboxRelay(
            jdbi,
            RelayProducer.create(kafka),
            new RelaySettings(),
            new OutboxSignal(),
            new RelayMetrics(registry),
            Tracing.unexported("uploads-relay"));
    long start = System.nanoTime();
    relay.start();
    boolean done;
    double seconds;
    try {
      done = awaitDrained(p.url(), registry, p.backlog(), start);
      seconds = (System.nanoTime() - start) / 1e9;
    } finally {
      relay.stop();
      dataSource.stop();
    }
    try (KafkaTopics topics = new KafkaTopics(p.bootstrap())) {
      return new Result(p, done, seconds, topics.endOffsetSum(p.topic()));
    }
  }

  /**
   * count(*) over a 100 MB table every 100 ms would take a good part of one of the two cores from
   * the relay, so the relay's own published counter (marked after its DELETE commits) says when to
   * check, and count(*) = 0 then confirms; a count once a second covers a miscounting meter.
   */
  private static boolean awaitDrained(String url, MetricRegistry registry, int backlog, long start)
      throws Exception {
    long deadline = start + BOUND.toNanos();
    try (Connection c = Sql.connect(url)) {
      for (int poll = 1; System.nanoTime() < deadline; poll++) {
        Thread.sleep(100);
        boolean likely = registry.meter("relay.published").getCount() >= backlog;
        if ((likely || poll % 10 == 0) && Sql.queryLong(c, "SELECT count(*) FROM outbox") == 0) {
          return true;
        }
      }
    }
    return false;
  }
}
