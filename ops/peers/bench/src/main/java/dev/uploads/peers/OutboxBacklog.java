package dev.uploads.peers;

import dev.uploads.infra.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * The run's own database (the schema module's changelog, as {@code db migrate} applies it), a
 * publication of the outbox and a pgoutput replication slot, both made before the first row so the
 * slot holds every row of the backlog in the WAL. Closing drops the slot, which would otherwise
 * keep WAL on the server for ever, and the database.
 */
final class OutboxBacklog implements AutoCloseable {
  /** Transactions of this many rows: the API commits one row per upload, RelayDrain all at once. */
  static final int ROWS_PER_TRANSACTION = 1_000;

  private static final int SLOT_DROP_ATTEMPTS = 100;

  /**
   * Liquibase logs every changeset through java.util.logging, which only holds loggers weakly: the
   * level set on this one lasts as long as this reference.
   */
  private static final java.util.logging.Logger LIQUIBASE_LOG =
      java.util.logging.Logger.getLogger("liquibase");

  final String database;
  final String url;
  private final String adminUrl;

  private OutboxBacklog(String database, String url, String adminUrl) {
    this.database = database;
    this.url = url;
    this.adminUrl = adminUrl;
  }

  /** The database, publication and slot all take this name. */
  static OutboxBacklog create(Services services, String name) throws Exception {
    execute(services.adminUrl, "CREATE DATABASE " + name);
    OutboxBacklog backlog = new OutboxBacklog(name, services.jdbcUrl(name), services.adminUrl);
    migrate(backlog.url);
    execute(
        backlog.url,
        "CREATE PUBLICATION " + name + " FOR TABLE outbox",
        "SELECT pg_create_logical_replication_slot('" + name + "', 'pgoutput')");
    return backlog;
  }

  /**
   * One key per row (an upload id, as in production) and the upload.received payload RelayDrain
   * uses, so both relays get the same rows; autocommit makes each statement a transaction.
   */
  void fill(String topic, int events) throws SQLException {
    try (Connection c = connect(url);
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
      for (int first = 1; first <= events; first += ROWS_PER_TRANSACTION) {
        insert.setString(1, topic);
        insert.setInt(2, first);
        insert.setInt(3, Math.min(events, first + ROWS_PER_TRANSACTION - 1));
        insert.executeUpdate();
      }
    }
  }

  double averagePayloadBytes(String topic) throws SQLException {
    try (Connection c = connect(url);
        PreparedStatement s =
            c.prepareStatement("SELECT avg(octet_length(payload)) FROM outbox WHERE topic = ?")) {
      s.setString(1, topic);
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return rows.getDouble(1);
      }
    }
  }

  /** The columns a record of the contract carries, for each row of one topic. */
  record Row(
      String topic,
      String key,
      String type,
      int version,
      Instant occurredAt,
      String traceparent,
      byte[] payload) {}

  Map<UUID, Row> rows(String topic) throws SQLException {
    Map<UUID, Row> rows = new HashMap<>();
    try (Connection c = connect(url);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT event_id, topic, event_key, event_type, event_version, occurred_at,"
                    + " traceparent, payload FROM outbox WHERE topic = ?")) {
      c.setAutoCommit(false);
      s.setFetchSize(10_000);
      s.setString(1, topic);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          Row row =
              new Row(
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getInt(5),
                  r.getTimestamp(6).toInstant(),
                  r.getString(7),
                  r.getBytes(8));
          rows.put(r.getObject(1, UUID.class), row);
        }
      }
    }
    return rows;
  }

  /** The walsender streaming the slot to Debezium, while it is connected. */
  OptionalLong walsenderPid() throws SQLException {
    try (Connection c = connect(url);
        PreparedStatement q =
            c.prepareStatement(
                "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
      q.setString(1, database);
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? OptionalLong.of(r.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  /** The slot can only be dropped once its walsender has gone, shortly after Debezium stops. */
  @Override
  public void close() throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        execute(
            adminUrl,
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                + " WHERE slot_name = '"
                + database
                + "'");
        break;
      } catch (SQLException e) {
        // 55006 object_in_use: the walsender is still there.
        if (!"55006".equals(e.getSQLState()) || attempt == SLOT_DROP_ATTEMPTS) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
    execute(adminUrl, "DROP DATABASE " + database + " WITH (FORCE)");
  }

  private static void migrate(String url) throws Exception {
    LIQUIBASE_LOG.setLevel(java.util.logging.Level.WARNING);
    try (Connection connection = connect(url)) {
      Database db =
          DatabaseFactory.getInstance()
              .findCorrectDatabaseImplementation(new JdbcConnection(connection));
      Scope.child(
          Map.of(
              Scope.Attr.resourceAccessor.name(),
              new ClassLoaderResourceAccessor(OutboxBacklog.class.getClassLoader()),
              // Liquibase's console messages would land on stdout, which carries the result.
              Scope.Attr.ui.name(),
              new LoggerUIService()),
          () ->
              new CommandScope(UpdateCommandStep.COMMAND_NAME)
                  .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, db)
                  .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, "db/changelog.sql")
                  .addArgumentValue(
                      ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
                  .execute());
    }
  }

  private static void execute(String url, String... statements) throws SQLException {
    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, LocalPostgres.USER, "");
  }
}
