package dev.uploads.schema;

import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells relays in other processes that outbox rows were committed, with a NOTIFY on {@link
 * Outbox#CHANNEL} sent after the commit by this one thread. A NOTIFY inside the business
 * transaction would serialise every commit on PostgreSQL's notification queue lock; here a burst of
 * commits costs one NOTIFY and no transaction waits for it. Relays still poll, so a lost
 * notification only costs latency.
 *
 * <p>Every process that writes outbox rows runs one (the API, the worker); {@link
 * OutboxCommits#onCommit} connects it to {@link Outbox#append}, so no writer has to remember it.
 */
public final class OutboxNotifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxNotifier.class);

  /** The shortest time between two NOTIFYs of one process. */
  static final long SPACING_MILLIS = 10;

  private final Jdbi jdbi;
  private final OutboxSignal pending = new OutboxSignal();
  private volatile boolean running;
  private Thread thread;

  public OutboxNotifier(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Something was committed: NOTIFY soon (coalesced with any other commit meanwhile). */
  public void committed() {
    pending.raise();
  }

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
          jdbi.useHandle(h -> h.execute("SELECT pg_notify('" + Outbox.CHANNEL + "', '')"));
          // At most one NOTIFY per spacing: the commits meanwhile share the next one. A relay
          // starts a cycle at most once per batch window anyway (RelaySettings.batchWindow).
          Thread.sleep(SPACING_MILLIS);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // The database is unreachable; the writers fail meanwhile, and relays poll.
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
  public void close() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.interrupt();
      thread.join(5_000);
    }
  }
}
