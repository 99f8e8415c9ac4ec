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

  /** {@code size} is the configured width the thumbnail is addressed by; the rest is as stored. */
  static void insertThumbnail(Handle h, UUID upload, int size, int width, int height, String key) {
    h.createUpdate(
            """
            INSERT INTO thumbnails (upload_id, size, width, height, content_type, blob_key)
            VALUES (:upload, :size, :width, :height, 'image/jpeg', :key)
            ON CONFLICT (upload_id, size) DO UPDATE SET width = EXCLUDED.width,
                                                       height = EXCLUDED.height,
                                                       blob_key = EXCLUDED.blob_key
            """)
        .bind("upload", upload)
        .bind("size", size)
        .bind("width", width)
        .bind("height", height)
        .bind("key", key)
        .execute();
  }

  /** Also from failed: a replay that succeeds makes the upload ready and clears the failure. */
  static int markReady(Handle h, UUID upload) {
    return h.createUpdate(
            """
            UPDATE uploads SET status = 'ready', failure_code = NULL, failure_detail = NULL,
                               updated_at = now()
            WHERE id = :id
            """)
        .bind("id", upload)
        .execute();
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
}
