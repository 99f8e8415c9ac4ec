package dev.uploads.worker.thumbnails;

import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

public interface ThumbnailDao {
  @SqlQuery("SELECT status FROM uploads WHERE id = :id FOR UPDATE")
  Optional<String> lock(@Bind("id") UUID upload);

  @SqlUpdate(
      """
      INSERT INTO thumbnails (upload_id, width, height, content_type, blob_key)
      VALUES (:upload, :width, :height, 'image/jpeg', :key)
      ON CONFLICT (upload_id, width) DO UPDATE SET height = EXCLUDED.height, blob_key = EXCLUDED.blob_key
      """)
  void insertThumbnail(
      @Bind("upload") UUID upload,
      @Bind("width") int width,
      @Bind("height") int height,
      @Bind("key") String key);

  /** Also from failed: a replay that succeeds makes the upload ready. */
  @SqlUpdate("UPDATE uploads SET status = 'ready', updated_at = now() WHERE id = :id")
  int markReady(@Bind("id") UUID upload);

  @SqlUpdate(
      "UPDATE uploads SET status = 'failed', updated_at = now() WHERE id = :id AND status = 'received'")
  int markFailed(@Bind("id") UUID upload);
}
