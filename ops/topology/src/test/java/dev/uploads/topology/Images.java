package dev.uploads.topology;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/** Real JPEG images, each one different, so every upload is its own content-addressed blob. */
public final class Images {
  private static final AtomicInteger SEED = new AtomicInteger((int) System.nanoTime());

  private Images() {}

  public static byte[] jpeg(int width, int height) {
    int seed = SEED.incrementAndGet();
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, ((x ^ seed) & 0xff) << 16 | ((y + seed) & 0xff) << 8 | (seed & 0xff));
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
