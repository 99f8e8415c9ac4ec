package dev.uploads.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.UUID;

/** An event of the upload aggregate: published on {@code uploads}, keyed by the upload id. */
public interface UploadEvent extends Event {
  UUID uploadId();

  @Override
  @JsonIgnore
  default String topic() {
    return Topics.UPLOADS;
  }

  @Override
  @JsonIgnore
  default String key() {
    return uploadId().toString();
  }
}
