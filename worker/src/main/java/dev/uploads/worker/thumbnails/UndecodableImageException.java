package dev.uploads.worker.thumbnails;

/**
 * The bytes are not an image we can read (unknown format, truncated, corrupt). Retrying the same
 * bytes will fail the same way, so callers should treat this as a permanent failure.
 */
public class UndecodableImageException extends Exception {

  public UndecodableImageException(String message) {
    super(message);
  }

  public UndecodableImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
