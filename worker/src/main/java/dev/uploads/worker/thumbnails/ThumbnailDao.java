package dev.uploads.worker.thumbnails;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The thumbnails job's statements, bound explicitly: they run for every upload, and SqlObject's
 * per-call proxy and config copies cost more CPU than the statements.
 */
final class ThumbnailDao {
  private ThumbnailDao() {}

  /** Locks the upload's row and returns its status; empty when there is no such upload. */
  static Optional<String> lock(Handle h, UUID upload) {
    return h.createQuery("SELECT status FROM uploads WHERE id = :id FOR UPDATE")
        .bind("id", upload)
        .mapTo(String.class)
        .findOne();
  }

  static int markFailed(Handle h, UUID upload, UploadFailure failure) {
    return h.createUpdate(
            """
            UPDATE uploads SET status = 'failed', failure_code = :code, failure_detail = :detail,
                               updated_at = now()
            WHERE id = :id AND status = 'received'
            """)
        .bind("id", upload)
        .bind("code", failure.code())
        .bind("detail", failure.detail())
        .execute();
  }

  /**
   * Locks the uploads' rows, in id order so that concurrent batches never deadlock; returns the ids
   * that exist.
   */
  static Set<UUID> lockAll(Handle h, Collection<UUID> uploads) {
    return new HashSet<>(
        h.createQuery(
                "SELECT id FROM uploads WHERE id = ANY(CAST(:ids AS uuid[])) ORDER BY id FOR UPDATE")
            .bindArray("ids", UUID.class, List.copyOf(uploads))
            .mapTo(UUID.class)
            .list());
  }

  /** One stored thumbnail row: {@code size} is the configured width it is addressed by. */
  record Row(UUID upload, int size, int width, int height, String key) {}

  /** The thumbnails' rows, in one statement; a row already there is replaced. */
  static void insertAll(Handle h, List<Row> rows) {
    List<UUID> uploads = new ArrayList<>(rows.size());
    List<Integer> sizes = new ArrayList<>(rows.size());
    List<Integer> widths = new ArrayList<>(rows.size());
    List<Integer> heights = new ArrayList<>(rows.size());
    List<String> keys = new ArrayList<>(rows.size());
    for (Row row : rows) {
      uploads.add(row.upload());
      sizes.add(row.size());
      widths.add(row.width());
      heights.add(row.height());
      keys.add(row.key());
    }
    h.createUpdate(
            """
            INSERT INTO thumbnails (upload_id, size, width, height, content_type, blob_key)
            SELECT upload_id, size, width, height, 'image/jpeg', blob_key
            FROM unnest(CAST(:uploads AS uuid[]), CAST(:sizes AS int[]), CAST(:widths AS int[]),
                        CAST(:heights AS int[]), CAST(:keys AS text[]))
                 AS t(upload_id, size, width, height, blob_key)
            ON CONFLICT (upload_id, size) DO UPDATE SET width = EXCLUDED.width,
                                                       height = EXCLUDED.height,
                                                       blob_key = EXCLUDED.blob_key
            """)
        .bindArray("uploads", UUID.class, uploads)
        .bindArray("sizes", Integer.class, sizes)
        .bindArray("widths", Integer.class, widths)
        .bindArray("heights", Integer.class, heights)
        .bindArray("keys", String.class, keys)
        .execute();
  }

  /**
   * Also from failed: a replay that succeeds makes the upload ready and clears the failure. Returns
   * how long each upload waited since it was received, in seconds by the database's clock.
   */
  static List<Double> markAllReady(Handle h, Collection<UUID> uploads) {
    return h.createQuery(
            """
            UPDATE uploads SET status = 'ready', failure_code = NULL, failure_detail = NULL,
                               updated_at = now()
            WHERE id = ANY(CAST(:ids AS uuid[]))
            RETURNING extract(epoch FROM clock_timestamp() - created_at)
            """)
        .bindArray("ids", UUID.class, List.copyOf(uploads))
        .mapTo(Double.class)
        .list();
  }
}
