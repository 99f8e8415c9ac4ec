package dev.uploads.worker.thumbnails;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Generates test inputs in memory, so tests never depend on downloaded files. */
final class SampleImages {

  private SampleImages() {}

  /** A gradient with some noise, so JPEG data is photo-like rather than trivially compressible. */
  static BufferedImage photo(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, Color.BLUE));
    g.fillRect(0, 0, width, height);
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      g.setColor(new Color(random.nextInt(0xFFFFFF)));
      g.fillOval(random.nextInt(width), random.nextInt(height), width / 20 + 1, height / 20 + 1);
    }
    g.dispose();
    return image;
  }

  /** Grey image with a red stored-top-left and a green stored-top-right marker square. */
  static BufferedImage cornerMarked(int width, int height, int marker) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.GRAY);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.RED);
    g.fillRect(0, 0, marker, marker);
    g.setColor(Color.GREEN);
    g.fillRect(width - marker, 0, marker, marker);
    g.dispose();
    return image;
  }

  static byte[] jpeg(BufferedImage image) {
    return encode(image, "jpeg");
  }

  static byte[] png(BufferedImage image) {
    return encode(image, "png");
  }

  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static BufferedImage decode(byte[] bytes) {
    try {
      return ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
