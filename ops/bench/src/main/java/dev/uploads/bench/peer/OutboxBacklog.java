package dev.uploads.bench.peer;

import dev.uploads.bench.stack.RelayDrain;
import dev.uploads.bench.stack.Sql;
import dev.uploads.infra.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

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

  final String database;
  final String url;
  private final String adminUrl;

  private OutboxBacklog(String database, String url, String adminUrl) {
    this.database = database;
    this.url = url;
    this.adminUrl = adminUrl;
  }

  /** The database, publication and slot all take this name. */
  static OutboxBacklog create(LocalPostgres postgres, String name) throws Exception {
    String adminUrl = postgres.jdbcUrl("postgres");
    Sql.execute(adminUrl, "CREATE DATABASE " + name);
    OutboxBacklog backlog = new OutboxBacklog(name, postgres.jdbcUrl(name), adminUrl);
    Sql.migrate(backlog.url);
    Sql.execute(
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
    for (int first = 1; first <= events; first += ROWS_PER_TRANSACTION) {
      RelayDrain.fill(url, topic, first, Math.min(events, first + ROWS_PER_TRANSACTION - 1));
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
    try (Connection c = Sql.connect(url);
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
    try (Connection c = Sql.connect(url);
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
        Sql.execute(
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
    Sql.execute(adminUrl, "DROP DATABASE " + database + " WITH (FORCE)");
  }
}
