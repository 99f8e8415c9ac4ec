package dev.uploads.api.outbox;

import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells relays in other processes that outbox rows were committed, with a NOTIFY sent after the
 * commit by this one thread. A NOTIFY inside the business transaction would serialise every commit
 * on PostgreSQL's notification queue lock; here a burst of commits costs one NOTIFY and no
 * transaction waits for it. Relays still poll, so a lost notification only costs latency.
 */
public final class CommitNotifier implements Managed {
  public static final String CHANNEL = dev.uploads.schema.Outbox.CHANNEL;
  private static final Logger LOG = LoggerFactory.getLogger(CommitNotifier.class);

  private final Jdbi jdbi;
  private final OutboxSignal pending = new OutboxSignal();
  private volatile boolean running;
  private Thread thread;

  public CommitNotifier(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public void committed() {
    pending.raise();
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::loop, "outbox-notifier");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      try {
        if (pending.await(1_000)) {
          jdbi.useHandle(h -> h.execute("SELECT pg_notify('" + CHANNEL + "', '')"));
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // The database is unreachable; uploads fail with 503 meanwhile, and relays poll.
        LOG.debug("notify failed: {}", e.toString());
        sleepQuietly();
      }
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5_000);
  }
}
