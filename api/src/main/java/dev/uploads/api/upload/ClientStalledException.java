package dev.uploads.api.upload;

import java.io.IOException;

/**
 * The client stopped sending its request body for longer than the server's idle timeout (maps to
 * HTTP 408). An IOException so that it can surface from {@code InputStream.read}.
 */
public class ClientStalledException extends IOException {
  private static final long serialVersionUID = 1L;

  public ClientStalledException(String message, Throwable cause) {
    super(message, cause);
  }
}
