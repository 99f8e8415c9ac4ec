package dev.uploads.worker.runtime;

/**
 * A failure that no retry can fix (a payload that does not parse, an undecodable image, an unknown
 * event type): the event goes to the dead letters at once.
 */
public class PermanentFailure extends Exception {
  public PermanentFailure(String message) {
    super(message);
  }

  public PermanentFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
