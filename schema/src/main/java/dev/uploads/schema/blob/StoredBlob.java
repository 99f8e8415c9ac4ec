package dev.uploads.schema.blob;

import java.util.Objects;

/** An upload accepted by a {@link BlobStore}. */
public record StoredBlob(String key, String sha256, long sizeBytes, ImageType type) {
  public StoredBlob {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(type, "type");
  }
}
