package dev.uploads.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.UUID;

/**
 * The thumbnails job gave up on an upload; it is now {@code failed} until a replay succeeds. {@code
 * reason} is the upload's failure code ({@code undecodable_image}, …), as its owner sees it.
 */
public record UploadFailed(
    @JsonProperty("upload_id") UUID uploadId,
    @JsonProperty("account_id") UUID accountId,
    @JsonProperty("reason") String reason)
    implements UploadEvent {
  public static final String TYPE = "upload.failed";
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
