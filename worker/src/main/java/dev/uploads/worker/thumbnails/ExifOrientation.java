package dev.uploads.worker.thumbnails;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;

/**
 * The EXIF orientation tag (0x0112): how the stored pixels must be turned to appear upright.
 * Cameras store the sensor's raster and only set this tag, so ignoring it yields sideways photos.
 */
enum ExifOrientation {
  NORMAL(1),
  MIRROR_HORIZONTAL(2),
  ROTATE_180(3),
  MIRROR_VERTICAL(4),
  TRANSPOSE(5),
  ROTATE_90_CW(6),
  TRANSVERSE(7),
  ROTATE_90_CCW(8);

  private final int tagValue;

  ExifOrientation(int tagValue) {
    this.tagValue = tagValue;
  }

  int tagValue() {
    return tagValue;
  }

  static ExifOrientation ofTagValue(int value) {
    for (ExifOrientation o : values()) {
      if (o.tagValue == value) {
        return o;
      }
    }
    return NORMAL;
  }

  boolean swapsAxes() {
    return tagValue >= 5;
  }

  /**
   * Returns an upright RGB copy of {@code src}, with any transparency flattened onto white (JPEG
   * has no alpha, and white is what a browser shows behind a transparent upload). Both happen in
   * one draw so the decoded image is copied only once.
   */
  BufferedImage uprightOnWhite(BufferedImage src) {
    int w = src.getWidth();
    int h = src.getHeight();
    BufferedImage out =
        swapsAxes()
            ? new BufferedImage(h, w, BufferedImage.TYPE_INT_RGB)
            : new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      // Quarter turns and mirrors map pixels exactly; interpolation would only blur.
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      g.drawImage(src, transform(w, h), null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Maps stored coordinates (w x h) to upright ones: x' = m00 x + m01 y + m02, etc. */
  private AffineTransform transform(int w, int h) {
    return switch (this) {
      case NORMAL -> new AffineTransform();
      case MIRROR_HORIZONTAL -> new AffineTransform(-1, 0, 0, 1, w, 0);
      case ROTATE_180 -> new AffineTransform(-1, 0, 0, -1, w, h);
      case MIRROR_VERTICAL -> new AffineTransform(1, 0, 0, -1, 0, h);
      case TRANSPOSE -> new AffineTransform(0, 1, 1, 0, 0, 0);
      case ROTATE_90_CW -> new AffineTransform(0, 1, -1, 0, h, 0);
      case TRANSVERSE -> new AffineTransform(0, -1, -1, 0, h, w);
      case ROTATE_90_CCW -> new AffineTransform(0, -1, 1, 0, 0, w);
    };
  }
}
