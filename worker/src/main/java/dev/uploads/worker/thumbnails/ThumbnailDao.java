package dev.uploads.worker.thumbnails;

import java.util.Optional;
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

  static void insertThumbnail(Handle h, UUID upload, int width, int height, String key) {
    h.createUpdate(
            """
            INSERT INTO thumbnails (upload_id, width, height, content_type, blob_key)
            VALUES (:upload, :width, :height, 'image/jpeg', :key)
            ON CONFLICT (upload_id, width) DO UPDATE SET height = EXCLUDED.height,
                                                        blob_key = EXCLUDED.blob_key
            """)
        .bind("upload", upload)
        .bind("width", width)
        .bind("height", height)
        .bind("key", key)
        .execute();
  }

  /** Also from failed: a replay that succeeds makes the upload ready. */
  static int markReady(Handle h, UUID upload) {
    return h.createUpdate("UPDATE uploads SET status = 'ready', updated_at = now() WHERE id = :id")
        .bind("id", upload)
        .execute();
  }

  static int markFailed(Handle h, UUID upload) {
    return h.createUpdate(
            "UPDATE uploads SET status = 'failed', updated_at = now()"
                + " WHERE id = :id AND status = 'received'")
        .bind("id", upload)
        .execute();
  }
}
