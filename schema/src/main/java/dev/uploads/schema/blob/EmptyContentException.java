package dev.uploads.schema.blob;

import java.io.IOException;

/** The upload has no bytes at all (maps to HTTP 400). */
public class EmptyContentException extends IOException {
  private static final long serialVersionUID = 1L;

  public EmptyContentException() {
    super("upload is empty");
  }
}
