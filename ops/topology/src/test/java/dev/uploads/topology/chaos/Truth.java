package dev.uploads.topology.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.testcontainers.containers.GenericContainer;

/** One account's state as PostgreSQL holds it, read once after the system drained. */
record Truth(
    Map<String, Upload> uploads,
    Map<String, List<String>> thumbnailKeys,
    Map<String, List<String>> messageIds,
    Map<String, Integer> deadLetters,
    long otherDeadLetters,
    Map<String, String> keys,
    long outbox) {

  record Upload(String id, String status, String failureCode, long bytes) {}

  static Truth read(GenericContainer<?> postgres, UUID account) throws Exception {
    try (Connection sql = Live.sql(postgres)) {
      Map<String, Upload> uploads = new HashMap<>();
      for (List<String> row :
          rows(
              sql,
              "SELECT id, status, failure_code, size_bytes FROM uploads WHERE account_id = ?",
              account)) {
        uploads.put(
            row.get(0), new Upload(row.get(0), row.get(1), row.get(2), Long.parseLong(row.get(3))));
      }
      return new Truth(
          uploads,
          grouped(
              rows(
                  sql,
                  "SELECT t.upload_id, t.blob_key FROM thumbnails t JOIN uploads u ON u.id = t.upload_id"
                      + " WHERE u.account_id = ?",
                  account)),
          grouped(
              rows(
                  sql,
                  "SELECT upload_id, message_id FROM email_deliveries WHERE account_id = ?",
                  account)),
          counted(
              rows(
                  sql,
                  "SELECT event_key, job FROM dead_letters WHERE event_key IN"
                      + " (SELECT id::text FROM uploads WHERE account_id = ?)",
                  account)),
          Long.parseLong(
              rows(
                      sql,
                      "SELECT count(*) FROM dead_letters WHERE event_key IS NULL OR event_key NOT IN"
                          + " (SELECT id::text FROM uploads WHERE account_id = ?)",
                      account)
                  .get(0)
                  .get(0)),
          pairs(
              rows(
                  sql,
                  "SELECT key, upload_id FROM idempotency_keys WHERE account_id = ?",
                  account)),
          Long.parseLong(rows(sql, "SELECT count(*) FROM outbox").get(0).get(0)));
    }
  }

  /**
   * Whether the work is done: nothing left in {@code received}, the outbox empty, one delivery per
   * ready upload, and the stats job's counters caught up with the events.
   */
  static boolean drained(GenericContainer<?> postgres, UUID account) throws Exception {
    String query =
        """
        WITH a AS (SELECT ?::uuid AS id),
             s AS (SELECT coalesce(sum(uploads_received), 0) AS uploads,
                          coalesce(sum(thumbnails_made), 0) AS thumbnails,
                          coalesce(sum(emails_sent), 0) AS emails,
                          coalesce(sum(dead_letters), 0) AS letters
                     FROM account_stats, a WHERE account_id = a.id)
        SELECT (SELECT count(*) FROM uploads, a WHERE account_id = a.id AND status = 'received')
             + (SELECT count(*) FROM outbox)
             + abs((SELECT count(*) FROM uploads, a WHERE account_id = a.id AND status = 'ready')
                   - (SELECT count(*) FROM email_deliveries, a WHERE account_id = a.id))
             + abs((SELECT count(*) FROM uploads, a WHERE account_id = a.id) - s.uploads)
             + abs((SELECT count(*) FROM thumbnails t JOIN uploads u ON u.id = t.upload_id, a
                     WHERE u.account_id = a.id) - s.thumbnails)
             + abs((SELECT count(*) FROM email_deliveries, a WHERE account_id = a.id) - s.emails)
             + abs((SELECT count(*) FROM dead_letters d JOIN uploads u ON d.event_key = u.id::text, a
                     WHERE u.account_id = a.id) - s.letters)
          FROM s
        """;
    try (Connection sql = Live.sql(postgres)) {
      return Long.parseLong(rows(sql, query, account).get(0).get(0)) == 0;
    }
  }

  private static List<List<String>> rows(Connection sql, String query, Object... parameters)
      throws Exception {
    try (PreparedStatement statement = sql.prepareStatement(query)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      List<List<String>> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        int columns = result.getMetaData().getColumnCount();
        while (result.next()) {
          List<String> row = new ArrayList<>();
          for (int c = 1; c <= columns; c++) {
            row.add(result.getString(c));
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  private static Map<String, List<String>> grouped(List<List<String>> rows) {
    Map<String, List<String>> grouped = new HashMap<>();
    rows.forEach(r -> grouped.computeIfAbsent(r.get(0), k -> new ArrayList<>()).add(r.get(1)));
    return grouped;
  }

  private static Map<String, Integer> counted(List<List<String>> rows) {
    Map<String, Integer> counted = new HashMap<>();
    rows.forEach(r -> counted.merge(r.get(0) + " " + r.get(1), 1, Integer::sum));
    return counted;
  }

  private static Map<String, String> pairs(List<List<String>> rows) {
    Map<String, String> pairs = new HashMap<>();
    rows.forEach(r -> pairs.put(r.get(0), r.get(1)));
    return pairs;
  }
}
