package dev.uploads.api.upload;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotNull;

public class UploadSettings {
  /** Largest accepted image; enforced while the body streams in. */
  @NotNull @JsonProperty private DataSize maxSize = DataSize.mebibytes(20);

  /**
   * Deprecated: the root of a filesystem blob store, from before the {@code blobs} block; still
   * read so that older configuration files keep working ({@code blobs: {type: filesystem, root:}}).
   */
  @JsonProperty private String blobRoot;

  /** How long an Idempotency-Key is remembered. */
  @NotNull @JsonProperty private Duration idempotencyKeyRetention = Duration.hours(24);

  public DataSize getMaxSize() {
    return maxSize;
  }

  public String getBlobRoot() {
    return blobRoot;
  }

  public Duration getIdempotencyKeyRetention() {
    return idempotencyKeyRetention;
  }
}
