package dev.uploads.schema.blob;

import java.io.IOException;

/** The upload's leading bytes are not those of a supported image format (maps to HTTP 415). */
public class UnsupportedImageException extends IOException {
  private static final long serialVersionUID = 1L;

  public UnsupportedImageException() {
    super("upload is not a JPEG, PNG, GIF or WebP image");
  }
}
