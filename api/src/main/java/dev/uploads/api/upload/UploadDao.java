package dev.uploads.api.upload;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(UploadRow.class)
@RegisterConstructorMapper(ThumbnailRow.class)
public interface UploadDao {
  String COLUMNS =
      "id, account_id, status, filename, content_type, size_bytes, sha256, blob_key, created_at,"
          + " failure_code, failure_detail";

  /** The upload insert, also what the benchmark's pgbench reference runs. */
  String INSERT =
      "INSERT INTO uploads (id, account_id, status, filename, content_type, size_bytes, sha256,"
          + " blob_key) VALUES (:id, :accountId, 'received', :filename, :contentType, :sizeBytes,"
          + " :sha256, :blobKey) RETURNING "
          + COLUMNS;

  /**
   * Inserts a new upload in the caller's transaction. Explicit binding and mapping: this is the hot
   * path of every upload, where reflective SqlObject binding cost more CPU than the insert.
   */
  static UploadRow insert(Handle handle, UploadRow upload) {
    return handle
        .createQuery(INSERT)
        .bind("id", upload.id())
        .bind("accountId", upload.accountId())
        .bind("filename", upload.filename())
        .bind("contentType", upload.contentType())
        .bind("sizeBytes", upload.sizeBytes())
        .bind("sha256", upload.sha256())
        .bind("blobKey", upload.blobKey())
        .map(UploadDao::row)
        .one();
  }

  static UploadRow row(ResultSet rs, StatementContext ctx) throws SQLException {
    return new UploadRow(
        rs.getObject("id", UUID.class),
        rs.getObject("account_id", UUID.class),
        rs.getString("status"),
        rs.getString("filename"),
        rs.getString("content_type"),
        rs.getLong("size_bytes"),
        rs.getString("sha256"),
        rs.getString("blob_key"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getString("failure_code"),
        rs.getString("failure_detail"));
  }

  @SqlQuery("SELECT " + COLUMNS + " FROM uploads WHERE id = :id AND account_id = :account")
  Optional<UploadRow> find(@Bind("account") UUID account, @Bind("id") UUID id);

  @SqlQuery(
      "SELECT "
          + COLUMNS
          + " FROM uploads WHERE account_id = :account ORDER BY id DESC LIMIT :limit")
  List<UploadRow> firstPage(@Bind("account") UUID account, @Bind("limit") int limit);

  @SqlQuery(
      "SELECT "
          + COLUMNS
          + """
           FROM uploads WHERE account_id = :account AND id < :after ORDER BY id DESC LIMIT :limit
          """)
  List<UploadRow> pageAfter(
      @Bind("account") UUID account, @Bind("after") UUID after, @Bind("limit") int limit);

  @SqlQuery(
      """
      SELECT upload_id, size, width, height, content_type, blob_key FROM thumbnails
      WHERE upload_id = ANY(:ids) ORDER BY upload_id, size
      """)
  List<ThumbnailRow> thumbnails(@Bind("ids") UUID[] uploadIds);

  /** Remembers a key; returns false when the account already used it. */
  @SqlUpdate(
      """
      INSERT INTO idempotency_keys (account_id, key, content_sha256, upload_id)
      VALUES (:account, :key, :sha256, :upload)
      ON CONFLICT (account_id, key) DO NOTHING
      """)
  boolean rememberKey(
      @Bind("account") UUID account,
      @Bind("key") String key,
      @Bind("sha256") String sha256,
      @Bind("upload") UUID upload);

  @SqlQuery(
      """
      SELECT content_sha256, upload_id FROM idempotency_keys
      WHERE account_id = :account AND key = :key
      """)
  @RegisterConstructorMapper(KeyedUpload.class)
  Optional<KeyedUpload> findKey(@Bind("account") UUID account, @Bind("key") String key);

  @SqlUpdate("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => :secs)")
  int forgetKeysOlderThan(@Bind("secs") double seconds);

  record KeyedUpload(String contentSha256, UUID uploadId) {}
}
