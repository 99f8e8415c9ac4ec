package dev.uploads.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.UUID;

/** An upload was accepted: its bytes are in the blob store under {@code blobKey}. */
public record UploadReceived(
    @JsonProperty("upload_id") UUID uploadId,
    @JsonProperty("account_id") UUID accountId,
    @JsonProperty("filename") String filename,
    @JsonProperty("content_type") String contentType,
    @JsonProperty("size_bytes") long sizeBytes,
    @JsonProperty("sha256") String sha256,
    @JsonProperty("blob_key") String blobKey)
    implements UploadEvent {
  public static final String TYPE = "upload.received";
  public static final int VERSION = 1;

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }

  @Override
  @JsonIgnore
  public int version() {
    return VERSION;
  }
}
