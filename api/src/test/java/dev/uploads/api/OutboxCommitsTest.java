package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uploads.infra.SharedInfra;
import dev.uploads.schema.EmailSent;
import dev.uploads.schema.EventEnvelope;
import dev.uploads.schema.Outbox;
import dev.uploads.schema.OutboxCommits;
import dev.uploads.schema.OutboxNotifier;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Any writer of outbox rows (the API, the worker's jobs, dead-letter handling) wakes the relays
 * after its commit: {@link Outbox#append} hands the configured {@link OutboxCommits} listener to
 * the commit, and {@link OutboxNotifier} turns it into a NOTIFY on {@link Outbox#CHANNEL}. A rolled
 * back transaction wakes nobody.
 */
class OutboxCommitsTest {
  @Test
  void aCommitWithOutboxRowsNotifiesTheRelaysAndARollbackDoesNot() throws Exception {
    String url = SharedInfra.get().newDatabase();
    TestApi.configure(url, false, "1MiB");
    Jdbi jdbi = TestApi.jdbi(url);
    AtomicInteger wakeups = new AtomicInteger();
    OutboxNotifier notifier = new OutboxNotifier(jdbi);
    jdbi.getConfig(OutboxCommits.class)
        .onCommit(
            () -> {
              wakeups.incrementAndGet();
              notifier.committed();
            });
    notifier.start();
    try (Connection listen = DriverManager.getConnection(url, "postgres", "")) {
      try (Statement s = listen.createStatement()) {
        s.execute("LISTEN " + Outbox.CHANNEL);
      }
      PGConnection pg = listen.unwrap(PGConnection.class);

      int seenInside =
          jdbi.inTransaction(
              h -> {
                Outbox.append(h, event());
                Outbox.append(h, event());
                return wakeups.get();
              });
      assertEquals(0, seenInside, "nothing runs before the commit");
      assertTrue(wakeups.get() >= 1, "the listener runs after the commit");
      assertTrue(notificationsWithin(pg, 5_000) > 0, "NOTIFY after the commit");

      int before = wakeups.get();
      jdbi.useTransaction(
          h -> {
            Outbox.append(h, event());
            h.rollback();
          });
      assertEquals(before, wakeups.get(), "a rollback wakes nobody");
      assertEquals(0, notificationsWithin(pg, 1_500), "no NOTIFY after a rollback");
      assertEquals(
          (Integer) 2,
          jdbi.withHandle(
              h -> h.select("SELECT count(*)::int FROM outbox").mapTo(Integer.class).one()));
    } finally {
      notifier.close();
    }
  }

  private static EventEnvelope event() {
    UUID upload = UUID.randomUUID();
    return EventEnvelope.of(
        new EmailSent(upload, UUID.randomUUID(), "a@example.test", "<m@example.test>"),
        Instant.now(),
        null);
  }

  private static int notificationsWithin(PGConnection pg, int millis) throws Exception {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    int seen = 0;
    while (System.nanoTime() < deadline) {
      PGNotification[] got = pg.getNotifications(100);
      if (got != null) {
        seen += got.length;
      }
    }
    return seen;
  }
}
