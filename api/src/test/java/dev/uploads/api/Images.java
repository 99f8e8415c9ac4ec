package dev.uploads.api;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/** Small real images, each different, generated rather than stored. */
final class Images {
  private static final AtomicInteger SEED = new AtomicInteger();

  private Images() {}

  static byte[] jpeg() {
    return encode("jpg");
  }

  static byte[] png() {
    return encode("png");
  }

  private static byte[] encode(String format) {
    int seed = SEED.incrementAndGet();
    BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        image.setRGB(x, y, (x * 4 + seed * 31) << 16 | (y * 5 + seed) << 8 | (seed * 7 & 0xff));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
