package dev.uploads.reference;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A textured JPEG for the demo, made like ops/stack's TexturedJpeg (gradients, ripples, noise) so
 * that its size and decode work resemble the thumbnail benchmark's images: a flat colour would
 * compress to nothing and flatter the figure.
 */
final class SampleJpeg {
  private SampleJpeg() {}

  static Path write(Path file, int width, int height, int seed) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    long noise = 0x9E3779B97F4A7C15L * (seed + 1);
    double fx = 0.013 + seed * 0.001;
    double fy = 0.021 + seed * 0.0007;
    for (int y = 0; y < height; y++) {
      double rippleY = Math.sin(y * fy);
      for (int x = 0; x < width; x++) {
        noise ^= noise << 13;
        noise ^= noise >>> 7;
        noise ^= noise << 17;
        int grain = (int) (noise & 0x3F) - 32;
        double ripple = Math.sin(x * fx + rippleY * 3) * 60;
        int r = clamp(x * 255 / width + (int) ripple + grain);
        int g = clamp(y * 255 / height - (int) ripple + grain);
        int b = clamp(128 + (int) (rippleY * 80) + ((x / 37 + y / 41 + seed) % 2) * 40 + grain);
        pixels[y * width + x] = r << 16 | g << 8 | b;
      }
    }
    if (!ImageIO.write(image, "jpg", file.toFile())) {
      throw new IllegalStateException("no JPEG writer in this JDK");
    }
    return file;
  }

  private static int clamp(int value) {
    return Math.max(0, Math.min(255, value));
  }
}
