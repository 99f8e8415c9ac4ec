package dev.uploads.api.outbox;

import dev.uploads.schema.OutboxSignal;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.lifecycle.Managed;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs for {@link CommitNotifier#CHANNEL} on a dedicated connection (a pooled one would be
 * returned and lose the subscription) and wakes the relay.
 */
public final class CommitListener implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(CommitListener.class);

  private final DataSourceFactory database;
  private final OutboxSignal relayWakeup;
  private volatile boolean running;
  private Thread thread;

  public CommitListener(DataSourceFactory database, OutboxSignal relayWakeup) {
    this.database = database;
    this.relayWakeup = relayWakeup;
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::loop, "outbox-listener");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      try (Connection connection = connect()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + dev.uploads.schema.Outbox.CHANNEL);
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = pg.getNotifications(1_000);
          if (notifications != null && notifications.length > 0) {
            relayWakeup.raise();
          }
        }
      } catch (SQLException e) {
        if (running) {
          LOG.debug("listen connection lost: {}", e.toString());
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException interrupted) {
            return;
          }
        }
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties properties = new Properties();
    if (database.getUser() != null) {
      properties.setProperty("user", database.getUser());
    }
    if (database.getPassword() != null) {
      properties.setProperty("password", database.getPassword());
    }
    properties.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(database.getUrl(), properties);
  }

  @Override
  public void stop() throws InterruptedException {
    running = false;
    thread.join(5_000);
  }
}
