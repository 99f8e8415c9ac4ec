package dev.uploads.worker.stats;

import java.time.LocalDate;
import org.jdbi.v3.core.Handle;

/** The stats job's one write, bound explicitly: it runs for every event of the system. */
final class StatsDao {
  private StatsDao() {}

  static void add(Handle handle, StatsJob.Counts counts, LocalDate day) {
    handle
        .createUpdate(
            """
            INSERT INTO account_stats AS s (account_id, day, uploads_received, bytes_received,
                                            thumbnails_made, emails_sent, dead_letters)
            VALUES (:account, :day, :uploads, :bytes, :thumbnails, :emails, :deadLetters)
            ON CONFLICT (account_id, day) DO UPDATE SET
                uploads_received = s.uploads_received + EXCLUDED.uploads_received,
                bytes_received = s.bytes_received + EXCLUDED.bytes_received,
                thumbnails_made = s.thumbnails_made + EXCLUDED.thumbnails_made,
                emails_sent = s.emails_sent + EXCLUDED.emails_sent,
                dead_letters = s.dead_letters + EXCLUDED.dead_letters
            """)
        .bind("account", counts.account())
        .bind("day", day)
        .bind("uploads", counts.uploadsReceived())
        .bind("bytes", counts.bytesReceived())
        .bind("thumbnails", counts.thumbnailsMade())
        .bind("emails", counts.emailsSent())
        .bind("deadLetters", counts.deadLetters())
        .execute();
  }
}
