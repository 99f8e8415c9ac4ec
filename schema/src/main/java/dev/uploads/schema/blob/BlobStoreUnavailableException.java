package dev.uploads.schema.blob;

import java.io.IOException;

/**
 * The blob store could not be reached, or answered with an error that is not about the key asked
 * for (5xx, throttling, refused connections, timeouts, a missing bucket, refused credentials). The
 * store's fault, not the caller's: the API answers 503 with Retry-After, the worker counts it
 * against the blob store's circuit breaker and retries later.
 */
public class BlobStoreUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  public BlobStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
