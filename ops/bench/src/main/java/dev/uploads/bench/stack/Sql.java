package dev.uploads.bench.stack;

import dev.uploads.infra.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** The few plain JDBC calls the benchmark makes itself (setup and progress checks, not load). */
public final class Sql {
  private Sql() {}

  public static Connection connect(String jdbcUrl) throws SQLException {
    return DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, "");
  }

  public static void execute(String jdbcUrl, String... statements) throws SQLException {
    try (Connection c = connect(jdbcUrl);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  public static String queryString(String jdbcUrl, String sql) throws SQLException {
    try (Connection c = connect(jdbcUrl);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      if (!rows.next()) {
        throw new SQLException("no row from: " + sql);
      }
      return rows.getString(1);
    }
  }

  public static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /**
   * Polls {@code SELECT count(*) FROM outbox} every 100 ms until it is 0; returns false if the
   * bound passes first.
   */
  static boolean awaitEmptyOutbox(String jdbcUrl, Duration bound)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    try (Connection c = connect(jdbcUrl)) {
      while (System.nanoTime() < deadline) {
        if (queryLong(c, "SELECT count(*) FROM outbox") == 0) {
          return true;
        }
        Thread.sleep(100);
      }
    }
    return false;
  }
}
