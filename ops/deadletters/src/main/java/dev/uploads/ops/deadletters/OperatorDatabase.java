package dev.uploads.ops.deadletters;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The command line's connection to PostgreSQL: a small pool, because a replay runs one transaction
 * per letter and a new connection for each (a new PostgreSQL backend) cost ten times the work.
 */
public final class OperatorDatabase implements AutoCloseable {
  private final ManagedDataSource pool;
  private final Jdbi jdbi;

  private OperatorDatabase(ManagedDataSource pool) {
    this.pool = pool;
    this.jdbi = Jdbi.create(pool).installPlugin(new PostgresPlugin());
  }

  public static OperatorDatabase open(String url, String user, String password) {
    DataSourceFactory factory = new DataSourceFactory();
    factory.setDriverClass("org.postgresql.Driver");
    factory.setUrl(url);
    factory.setUser(user);
    factory.setPassword(password);
    // One for an action's advisory lock, one for its letters, and a spare for notifications.
    factory.setInitialSize(0);
    factory.setMinSize(0);
    factory.setMaxSize(4);
    factory.setProperties(java.util.Map.of("ApplicationName", "ops/dead-letters"));
    return new OperatorDatabase(factory.build(new MetricRegistry(), "ops-dead-letters"));
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  @Override
  public void close() {
    try {
      pool.stop();
    } catch (Exception e) {
      // The process is ending; the server closes what is left.
    }
  }
}
