package dev.uploads.stack.suite;

import java.util.List;
import java.util.UUID;

/**
 * The pgbench script for the stats job's transaction, as {@code StatsJob.applyAll} runs it for one
 * lane's batch: the batch's idempotency marks in one statement ({@code ProcessedEvents.markAll}),
 * then one counter upsert per account of the batch ({@code StatsDao.add}), in account order. Those
 * statements are copied here (they are private to the worker); keep them in step.
 *
 * <p>A lane's batch is its share of one poll (500 records over the lanes); its accounts are the
 * expected number of distinct accounts among that many events, the same for every client so that
 * clients lock rows in one order, as the lanes do. The event ids are made by the server, so the 16
 * bytes per event the worker sends are not sent.
 */
final class StatsTransactionScript {
  private static final String MARK =
      "INSERT INTO processed_events (job, event_id)"
          + " SELECT 'stats', unnest(ARRAY(SELECT gen_random_uuid() FROM generate_series(1, %d)))"
          + " ON CONFLICT DO NOTHING RETURNING event_id;\n";
  private static final String ADD =
      "INSERT INTO account_stats AS s (account_id, day, uploads_received, bytes_received,"
          + " thumbnails_made, emails_sent, dead_letters)"
          + " VALUES ('%s', (now() AT TIME ZONE 'UTC')::date, %d, %d, 0, 0, 0)"
          + " ON CONFLICT (account_id, day) DO UPDATE SET"
          + " uploads_received = s.uploads_received + EXCLUDED.uploads_received,"
          + " bytes_received = s.bytes_received + EXCLUDED.bytes_received,"
          + " thumbnails_made = s.thumbnails_made + EXCLUDED.thumbnails_made,"
          + " emails_sent = s.emails_sent + EXCLUDED.emails_sent,"
          + " dead_letters = s.dead_letters + EXCLUDED.dead_letters;\n";

  /** Records per poll: the worker's max.poll.records. */
  static final int POLL = 500;

  private StatsTransactionScript() {}

  static int eventsPerTransaction(int lanes) {
    return (POLL + lanes - 1) / lanes;
  }

  /** Expected distinct accounts among {@code events} events spread evenly over the accounts. */
  static int accountsPerTransaction(int accounts, int events) {
    double distinct = accounts * (1 - Math.pow(1 - 1.0 / accounts, events));
    return (int) Math.max(1, Math.min(accounts, Math.round(distinct)));
  }

  static String script(List<UUID> accounts, int lanes) {
    int events = eventsPerTransaction(lanes);
    int touched = accountsPerTransaction(accounts.size(), events);
    List<String> ids = accounts.stream().map(UUID::toString).sorted().limit(touched).toList();
    StringBuilder sql = new StringBuilder("BEGIN;\n").append(String.format(MARK, events));
    for (int i = 0; i < ids.size(); i++) {
      int uploads = events / touched + (i < events % touched ? 1 : 0);
      sql.append(String.format(ADD, ids.get(i), uploads, uploads * 2_500_000L));
    }
    return sql.append("COMMIT;\n").toString();
  }
}
