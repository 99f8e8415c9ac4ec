package dev.uploads.bench.stack;

import com.codahale.metrics.MetricRegistry;
import dev.uploads.infra.LocalPostgres;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

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

  /**
   * Applies the schema module's changelog ({@code db/changelog.sql}, the file the API's {@code db
   * migrate} uses) to another database. Called directly rather than through {@code db migrate}
   * because that command reconfigures (and resets) the logging of the API running in this JVM.
   */
  public static void migrate(String jdbcUrl) throws Exception {
    try (Connection connection = connect(jdbcUrl)) {
      Database database =
          DatabaseFactory.getInstance()
              .findCorrectDatabaseImplementation(new JdbcConnection(connection));
      Scope.child(
          Scope.Attr.resourceAccessor.name(),
          new ClassLoaderResourceAccessor(Sql.class.getClassLoader()),
          () ->
              new CommandScope(UpdateCommandStep.COMMAND_NAME)
                  .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                  .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, "db/changelog.sql")
                  .execute());
    }
  }

  /** A started pool like the API's (Dropwizard's data source), named for its metrics. */
  public static ManagedDataSource pool(String jdbcUrl, String name, int maxSize) throws Exception {
    DataSourceFactory database = new DataSourceFactory();
    database.setDriverClass("org.postgresql.Driver");
    database.setUrl(jdbcUrl);
    database.setUser(LocalPostgres.USER);
    database.setPassword("");
    database.setMaxSize(maxSize);
    ManagedDataSource pool = database.build(new MetricRegistry(), name);
    pool.start();
    return pool;
  }
}
