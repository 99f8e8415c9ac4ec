package dev.uploads.worker.thumbnails;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Shrinks RGB images by repeated halving. A single bilinear or bicubic draw only samples a few
 * neighbours per output pixel, so a big reduction skips most source pixels and aliases; halving
 * lets every step average all of its input.
 */
final class Downscaler {

  private Downscaler() {}

  /** Returns {@code src} scaled to exactly {@code width x height}, or {@code src} if already so. */
  static BufferedImage scale(BufferedImage src, int width, int height) {
    BufferedImage current = src;
    int w = src.getWidth();
    int h = src.getHeight();
    while (w != width || h != height) {
      // Never below the target; a final step of less than 2x does the remainder.
      w = w / 2 >= width ? w / 2 : width;
      h = h / 2 >= height ? h / 2 : height;
      current = draw(current, w, h);
    }
    return current;
  }

  private static BufferedImage draw(BufferedImage src, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(src, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
