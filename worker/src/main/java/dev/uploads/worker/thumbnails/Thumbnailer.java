package dev.uploads.worker.thumbnails;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Turns an uploaded image into JPEG thumbnails of fixed widths.
 *
 * <p>Widths refer to the upright image (after EXIF orientation). Sources are never upscaled: a
 * requested width wider than the source yields a thumbnail at the source's size, still keyed by the
 * requested width, so callers always get one entry per configured width.
 *
 * <p>Thread-safe: instances hold only immutable configuration.
 */
public final class Thumbnailer {

  public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
  public static final int[] DEFAULT_WIDTHS = {128, 512};

  private static final float JPEG_QUALITY = 0.85f;

  /*
   * Read-time subsampling is nearest-neighbour and aliases, so it only removes pixels down to
   * this multiple of the largest width; the halving downscale then has real pixels to average.
   */
  private static final int SUBSAMPLING_HEADROOM = 2;

  private final long maxPixels;
  private final int[] widths;
  private final JpegEncoder encoder = new JpegEncoder(JPEG_QUALITY);

  public Thumbnailer() {
    this(DEFAULT_MAX_PIXELS, DEFAULT_WIDTHS);
  }

  public Thumbnailer(long maxPixels, int[] widths) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive: " + maxPixels);
    }
    if (widths == null || widths.length == 0 || Arrays.stream(widths).anyMatch(w -> w <= 0)) {
      throw new IllegalArgumentException(
          "widths must be positive and non-empty: " + Arrays.toString(widths));
    }
    this.maxPixels = maxPixels;
    this.widths = widths.clone();
  }

  /**
   * Makes one JPEG thumbnail per configured width, in the configured order.
   *
   * @throws ImageTooLargeException if the header declares more than {@code maxPixels} pixels;
   *     raised before any pixel is decoded
   * @throws UndecodableImageException if the bytes are not a readable JPEG, PNG, GIF or BMP,
   *     including truncated or corrupt data
   */
  public List<Thumbnail> make(byte[] image)
      throws UndecodableImageException, ImageTooLargeException {
    BufferedImage upright;
    int uprightWidth;
    int uprightHeight;
    try (SourceImage source = SourceImage.open(image)) {
      if ((long) source.width() * source.height() > maxPixels) {
        throw new ImageTooLargeException(source.width(), source.height(), maxPixels);
      }
      ExifOrientation orientation =
          source.isJpeg() ? JpegExif.orientation(image) : ExifOrientation.NORMAL;
      uprightWidth = orientation.swapsAxes() ? source.height() : source.width();
      uprightHeight = orientation.swapsAxes() ? source.width() : source.height();
      upright = orientation.uprightOnWhite(source.decode(subsamplingStep(uprightWidth)));
    }
    return scaleAll(upright, uprightWidth, uprightHeight);
  }

  /**
   * Source size in megapixels, read from the header only. Applies no pixel limit, since nothing is
   * decoded; benchmarks use it to relate timings to image size.
   */
  public static double megapixels(byte[] image) throws UndecodableImageException {
    try (SourceImage source = SourceImage.open(image)) {
      return (double) source.width() * source.height() / 1e6;
    }
  }

  private int subsamplingStep(int uprightWidth) {
    int largest = Arrays.stream(widths).max().orElseThrow();
    return Math.max(1, uprightWidth / (largest * SUBSAMPLING_HEADROOM));
  }

  /**
   * Sizes come from the full-resolution dimensions, not the subsampled pixels, so heights do not
   * drift with the subsampling step's rounding. Subsampling always leaves at least {@link
   * #SUBSAMPLING_HEADROOM} times the largest width, so no target exceeds the pixels.
   */
  private List<Thumbnail> scaleAll(BufferedImage upright, int fullWidth, int fullHeight) {
    Thumbnail[] out = new Thumbnail[widths.length];
    // Largest first, each scaled from the previous one: less work and the same halving chain.
    Integer[] order =
        IntStream.range(0, widths.length)
            .boxed()
            .sorted(Comparator.comparingInt((Integer i) -> widths[i]).reversed())
            .toArray(Integer[]::new);
    BufferedImage previous = upright;
    for (int i : order) {
      int width = Math.min(widths[i], fullWidth);
      int height = (int) Math.max(1, Math.round((double) fullHeight * width / fullWidth));
      BufferedImage scaled = Downscaler.scale(previous, width, height);
      out[i] =
          new Thumbnail(widths[i], width, height, JpegEncoder.CONTENT_TYPE, encoder.encode(scaled));
      previous = scaled;
    }
    return List.of(out);
  }
}
