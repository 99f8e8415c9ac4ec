package dev.uploads.worker.thumbnails;

import java.util.Locale;

/**
 * The image header declares more pixels than we are willing to allocate. Raised before any pixel is
 * decoded, so a decompression bomb costs only a header read. Permanent failure for the caller.
 */
public class ImageTooLargeException extends Exception {

  private final int width;
  private final int height;
  private final long maxPixels;

  public ImageTooLargeException(int width, int height, long maxPixels) {
    super(
        String.format(
            Locale.ROOT,
            "image is %dx%d = %s MP, over the %s MP limit",
            width,
            height,
            megapixels((long) width * height),
            megapixels(maxPixels)));
    this.width = width;
    this.height = height;
    this.maxPixels = maxPixels;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public long maxPixels() {
    return maxPixels;
  }

  private static String megapixels(long pixels) {
    double mp = pixels / 1e6;
    return mp == Math.rint(mp)
        ? String.format(Locale.ROOT, "%d", (long) mp)
        : String.format(Locale.ROOT, "%.1f", mp);
  }
}
