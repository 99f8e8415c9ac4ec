package dev.uploads.bench.jobs;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * JPEGs made on the spot, with texture: a flat colour compresses to almost nothing and decodes
 * faster than any photo, which would flatter the thumbnail figures. Gradients, ripples and noise
 * give the encoder real detail, so file sizes and decode work are closer to a camera's.
 */
public final class TexturedJpeg {
  private TexturedJpeg() {}

  public static byte[] make(int width, int height, int seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    long noise = 0x9E3779B97F4A7C15L * (seed + 1);
    double fx = 0.013 + seed * 0.001;
    double fy = 0.021 + seed * 0.0007;
    for (int y = 0; y < height; y++) {
      double rippleY = Math.sin(y * fy);
      for (int x = 0; x < width; x++) {
        // xorshift: cheap per-pixel noise, deterministic for a seed
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
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int clamp(int value) {
    return Math.max(0, Math.min(255, value));
  }
}
