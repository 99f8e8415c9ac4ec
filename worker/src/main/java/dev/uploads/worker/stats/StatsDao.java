package dev.uploads.worker.stats;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The stats job's one statement, bound explicitly: it runs for every batch of every event of the
 * system.
 */
public final class StatsDao {
  /**
   * A batch of events in one round trip: marks each as applied by {@code :job} (its idempotency
   * record, as {@code ProcessedEvents.mark} does one at a time) and adds the events marked now, and
   * only those, to their account's counters for the day; returns the events marked now.
   *
   * <p>One statement rather than a mark and an upsert per account: the counter rows are hot (every
   * lane adds to the same accounts), and a transaction that held their locks across a round trip
   * per account kept the other lanes waiting on {@code Lock:transactionid} most of the time.
   */
  public static final String APPLY =
      """
      WITH batch AS (
          -- An event delivered twice in one batch is counted once.
          SELECT DISTINCT ON (event_id) *
          FROM unnest(CAST(:events AS uuid[]), CAST(:accounts AS uuid[]), CAST(:days AS date[]),
                      CAST(:uploads AS bigint[]), CAST(:bytes AS bigint[]),
                      CAST(:thumbnails AS bigint[]), CAST(:emails AS bigint[]),
                      CAST(:deadLetters AS bigint[]))
               AS b(event_id, account_id, day, uploads, bytes, thumbnails, emails, dead_letters)
      ), fresh AS (
          INSERT INTO processed_events (job, event_id)
          SELECT :job, event_id FROM batch
          ON CONFLICT DO NOTHING
          RETURNING event_id
      ), counted AS (
          INSERT INTO account_stats AS s (account_id, day, uploads_received, bytes_received,
                                          thumbnails_made, emails_sent, dead_letters)
          SELECT account_id, day, sum(uploads), sum(bytes), sum(thumbnails), sum(emails),
                 sum(dead_letters)
          FROM batch JOIN fresh USING (event_id)
          WHERE account_id IS NOT NULL
            AND uploads + bytes + thumbnails + emails + dead_letters > 0
          GROUP BY account_id, day
          -- Concurrent lanes lock counter rows in one order, so they never deadlock.
          ORDER BY account_id, day
          ON CONFLICT (account_id, day) DO UPDATE SET
              uploads_received = s.uploads_received + EXCLUDED.uploads_received,
              bytes_received = s.bytes_received + EXCLUDED.bytes_received,
              thumbnails_made = s.thumbnails_made + EXCLUDED.thumbnails_made,
              emails_sent = s.emails_sent + EXCLUDED.emails_sent,
              dead_letters = s.dead_letters + EXCLUDED.dead_letters
      )
      SELECT event_id FROM fresh
      """;

  private StatsDao() {}

  /** One event's contribution: its id, and what it adds to which account's day. */
  record Change(UUID event, StatsJob.Counts counts, LocalDate day) {}

  static Set<UUID> apply(Handle handle, String job, List<Change> changes) {
    int n = changes.size();
    List<UUID> events = new ArrayList<>(n);
    List<UUID> accounts = new ArrayList<>(n);
    List<String> days = new ArrayList<>(n);
    List<Long> uploads = new ArrayList<>(n);
    List<Long> bytes = new ArrayList<>(n);
    List<Long> thumbnails = new ArrayList<>(n);
    List<Long> emails = new ArrayList<>(n);
    List<Long> deadLetters = new ArrayList<>(n);
    for (Change change : changes) {
      StatsJob.Counts c = change.counts();
      events.add(change.event());
      accounts.add(c.account());
      days.add(change.day().toString());
      uploads.add(c.uploadsReceived());
      bytes.add(c.bytesReceived());
      thumbnails.add(c.thumbnailsMade());
      emails.add(c.emailsSent());
      deadLetters.add(c.deadLetters());
    }
    return new HashSet<>(
        handle
            .createQuery(APPLY)
            .bind("job", job)
            .bindArray("events", UUID.class, events)
            .bindArray("accounts", UUID.class, accounts)
            .bindArray("days", String.class, days)
            .bindArray("uploads", Long.class, uploads)
            .bindArray("bytes", Long.class, bytes)
            .bindArray("thumbnails", Long.class, thumbnails)
            .bindArray("emails", Long.class, emails)
            .bindArray("deadLetters", Long.class, deadLetters)
            .mapTo(UUID.class)
            .list());
  }
}
