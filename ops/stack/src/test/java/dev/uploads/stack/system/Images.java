package dev.uploads.stack.system;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/** Real images generated for the tests, each one different. */
final class Images {
  private static final AtomicInteger SEED = new AtomicInteger();

  private Images() {}

  static byte[] jpeg(int width, int height) {
    int seed = SEED.incrementAndGet();
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, (x + seed) << 16 | (y * 3 + seed) << 8 | (seed * 11 & 0xff));
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
}
