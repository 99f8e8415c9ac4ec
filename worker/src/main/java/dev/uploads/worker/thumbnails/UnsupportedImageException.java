package dev.uploads.worker.thumbnails;

/**
 * The bytes are an image, or look like one, in a format the thumbnails job has no decoder for.
 * Retrying cannot help.
 */
public class UnsupportedImageException extends UndecodableImageException {

  public UnsupportedImageException(String message) {
    super(message);
  }
}
