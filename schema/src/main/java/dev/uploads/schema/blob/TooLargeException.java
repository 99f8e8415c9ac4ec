package dev.uploads.schema.blob;

import java.io.IOException;

/** The upload passed the size limit; thrown before the rest of it is read (maps to HTTP 413). */
public class TooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long maxBytes;

  public TooLargeException(long maxBytes) {
    super("upload is larger than the limit of " + maxBytes + " bytes");
    this.maxBytes = maxBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }
}
