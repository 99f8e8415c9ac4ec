package dev.uploads.api.upload;

import java.io.IOException;

/**
 * The client closed or reset the connection before its request body ended, so no answer can reach
 * it. An IOException so that it can surface from {@code InputStream.read}.
 */
public class ClientAbortedException extends IOException {
  private static final long serialVersionUID = 1L;

  public ClientAbortedException(String message, Throwable cause) {
    super(message, cause);
  }
}
