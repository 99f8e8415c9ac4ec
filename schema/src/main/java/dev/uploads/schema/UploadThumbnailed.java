package dev.uploads.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.UUID;

/** Thumbnails of an upload were made; the upload is now {@code ready}. */
public record UploadThumbnailed(
    @JsonProperty("upload_id") UUID uploadId,
    @JsonProperty("account_id") UUID accountId,
    @JsonProperty("thumbnails") List<Thumbnail> thumbnails)
    implements UploadEvent {
  public static final String TYPE = "upload.thumbnailed";
  public static final int VERSION = 1;

  /** {@code width} and {@code height} are those of the stored image, never upscaled. */
  public record Thumbnail(
      @JsonProperty("width") int width,
      @JsonProperty("height") int height,
      @JsonProperty("blob_key") String blobKey) {}

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
