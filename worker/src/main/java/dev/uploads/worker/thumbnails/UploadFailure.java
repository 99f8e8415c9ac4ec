package dev.uploads.worker.thumbnails;

import java.util.Locale;

/**
 * Why an upload failed, as its owner reads it in {@code failure}: a stable code to branch on and a
 * sentence for a person. Part of the HTTP contract (README, "Failed uploads"): codes are never
 * renamed, and details never carry internals (no exception text, no paths, no keys).
 */
public record UploadFailure(String code, String detail) {
  public static final String UNSUPPORTED_IMAGE = "unsupported_image";
  public static final String IMAGE_TOO_LARGE = "image_too_large";
  public static final String UNDECODABLE_IMAGE = "undecodable_image";
  public static final String PROCESSING_FAILED = "processing_failed";

  /** The reason for the failure that made the thumbnails job give up, found in its causes. */
  static UploadFailure of(Throwable last) {
    for (Throwable t = last; t != null; t = t.getCause()) {
      if (t instanceof ImageTooLargeException large) {
        return new UploadFailure(
            IMAGE_TOO_LARGE,
            String.format(
                Locale.ROOT,
                "The image is %d × %d pixels; images of up to %d megapixels are accepted.",
                large.width(),
                large.height(),
                large.maxPixels() / 1_000_000));
      }
      if (t instanceof UnsupportedImageException) {
        return new UploadFailure(
            UNSUPPORTED_IMAGE,
            "This kind of image cannot be processed. Upload a JPEG, PNG, GIF or WebP image.");
      }
      if (t instanceof UndecodableImageException) {
        return new UploadFailure(
            UNDECODABLE_IMAGE,
            "The image is damaged or incomplete and cannot be read. Upload the file again.");
      }
    }
    return new UploadFailure(
        PROCESSING_FAILED, "The image could not be processed. Our operators have been alerted.");
  }
}
