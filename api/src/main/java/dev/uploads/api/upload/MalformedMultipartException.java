package dev.uploads.api.upload;

import java.io.IOException;

/**
 * The request body is not a usable multipart/form-data body (maps to HTTP 400). An IOException so
 * that it can surface from {@code InputStream.read} while the file part is being streamed.
 */
public class MalformedMultipartException extends IOException {
  private static final long serialVersionUID = 1L;

  public MalformedMultipartException(String message) {
    super(message);
  }
}
