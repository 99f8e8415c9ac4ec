package dev.uploads.worker.stats;

import java.time.LocalDate;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

public interface StatsDao {
  @SqlUpdate(
      """
      INSERT INTO account_stats AS s (account_id, day, uploads_received, bytes_received,
                                      thumbnails_made, emails_sent, dead_letters)
      VALUES (:account, :day, :uploadsReceived, :bytesReceived, :thumbnailsMade, :emailsSent,
              :deadLetters)
      ON CONFLICT (account_id, day) DO UPDATE SET
          uploads_received = s.uploads_received + EXCLUDED.uploads_received,
          bytes_received = s.bytes_received + EXCLUDED.bytes_received,
          thumbnails_made = s.thumbnails_made + EXCLUDED.thumbnails_made,
          emails_sent = s.emails_sent + EXCLUDED.emails_sent,
          dead_letters = s.dead_letters + EXCLUDED.dead_letters
      """)
  void add(@BindMethods StatsJob.Counts counts, @Bind("day") LocalDate day);
}
