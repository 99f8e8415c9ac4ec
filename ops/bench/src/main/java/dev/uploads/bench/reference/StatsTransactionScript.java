package dev.uploads.bench.reference;

import dev.uploads.worker.stats.StatsDao;
import dev.uploads.worker.stats.StatsJob;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The pgbench script for the stats job's transaction: the job's own statement ({@link
 * StatsDao#APPLY}, one transaction per lane's batch) with the batch's values written in where the
 * job binds them.
 *
 * <p>A lane's batch is the job's batch size (a poll holds one per lane); its accounts are the
 * expected number of distinct accounts among that many events, the same for every client so that
 * clients lock rows in one order, as the lanes do. The event ids are made by the server, so the 16
 * bytes per event the worker sends are not sent.
 */
public final class StatsTransactionScript {
  /** Events per statement: the job's batch. */
  public static final int EVENTS = StatsJob.BATCH;

  private StatsTransactionScript() {}

  /** Expected distinct accounts among {@code events} events spread evenly over the accounts. */
  static int accountsPerTransaction(int accounts, int events) {
    double distinct = accounts * (1 - Math.pow(1 - 1.0 / accounts, events));
    return (int) Math.max(1, Math.min(accounts, Math.round(distinct)));
  }

  public static String script(List<UUID> accounts) {
    int events = EVENTS;
    int touched = accountsPerTransaction(accounts.size(), events);
    List<String> ids = accounts.stream().map(UUID::toString).sorted().limit(touched).toList();
    StringBuilder eachEventsAccount = new StringBuilder("'{");
    for (int i = 0; i < events; i++) {
      eachEventsAccount.append(i == 0 ? "" : ",").append(ids.get(i % touched));
    }
    eachEventsAccount.append("}'");
    String n = "ARRAY[" + events + "]";
    Map<String, String> values =
        Map.of(
            "job", "'stats'",
            "events", "ARRAY(SELECT gen_random_uuid() FROM generate_series(1, " + events + "))",
            "accounts", eachEventsAccount.toString(),
            "days", "array_fill(CAST(CAST(now() AT TIME ZONE 'UTC' AS date) AS text), " + n + ")",
            "uploads", "array_fill(1, " + n + ")",
            "bytes", "array_fill(2500000, " + n + ")",
            "thumbnails", "array_fill(0, " + n + ")",
            "emails", "array_fill(0, " + n + ")",
            "deadLetters", "array_fill(0, " + n + ")");
    String sql = UploadTransactionScript.fill(StatsDao.APPLY, values);
    return "BEGIN;\n" + sql.strip() + ";\nCOMMIT;\n";
  }
}
