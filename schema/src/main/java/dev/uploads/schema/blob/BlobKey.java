package dev.uploads.schema.blob;

import java.util.regex.Pattern;

/** Rules for blob keys that every {@link BlobStore} must apply the same way. */
final class BlobKey {
  private static final Pattern CONTENT_KEY = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern DERIVED_SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
  private static final int MAX_DERIVED_LENGTH = 512;

  private BlobKey() {}

  static boolean isContentKey(String key) {
    return key != null && CONTENT_KEY.matcher(key).matches();
  }

  /**
   * Derived keys become file paths (or object names), so anything that could escape the derived
   * area or collide with a content key is refused.
   */
  static String requireDerivedKey(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_DERIVED_LENGTH) {
      throw new IllegalArgumentException("derived key must be 1.." + MAX_DERIVED_LENGTH + " chars");
    }
    if (key.contains("..") || key.startsWith("/") || key.contains("\\")) {
      throw new IllegalArgumentException(
          "derived key must be a relative path without '..' or backslashes: " + key);
    }
    if (isContentKey(key)) {
      throw new IllegalArgumentException("derived key must not look like a content key: " + key);
    }
    for (String segment : key.split("/", -1)) {
      if (segment.equals(".") || !DERIVED_SEGMENT.matcher(segment).matches()) {
        throw new IllegalArgumentException(
            "derived key segments must be non-empty [A-Za-z0-9._-]: " + key);
      }
    }
    return key;
  }
}
