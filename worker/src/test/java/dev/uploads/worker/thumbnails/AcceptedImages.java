package dev.uploads.worker.thumbnails;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * One image of every kind the API accepts, generated here so that no binary is committed. Each
 * shows the same upright picture: {@link #WIDTH} × {@link #HEIGHT}, light grey, with a black square
 * in its top-left corner. A thumbnail of any of them is upright when its top-left corner is dark,
 * its other corners are light, and it is wider than tall (a transposed image would keep the dark
 * corner but not the shape).
 *
 * <p>WebP is written with libwebp (the test-only {@code webp-imageio} encoder), an implementation
 * independent of the reader the worker uses.
 */
public final class AcceptedImages {
  public static final int WIDTH = 360;
  public static final int HEIGHT = 240;
  private static final int MARKER = 72;
  private static final int LIGHT = 0xDDDDDD;

  /** A named input and the format the API should recognise it as. */
  public record Sample(String name, String contentType, byte[] bytes) {
    @Override
    public String toString() {
      return name;
    }
  }

  private AcceptedImages() {}

  /**
   * Asserts that a thumbnail of one of these images shows the picture upright: dark top-left
   * corner, light other corners, wider than tall.
   */
  public static void assertUpright(String name, BufferedImage thumbnail) {
    int w = thumbnail.getWidth();
    int h = thumbnail.getHeight();
    if (w <= h) {
      throw new AssertionError(
          name + ": " + w + "x" + h + " is not landscape: turned or transposed");
    }
    // Sample well inside each corner, clear of JPEG ringing at the marker's edge.
    int dx = Math.max(1, w / 20);
    int dy = Math.max(1, h / 20);
    int[][] corners = {{dx, dy}, {w - 1 - dx, dy}, {dx, h - 1 - dy}, {w - 1 - dx, h - 1 - dy}};
    String[] names = {"top-left", "top-right", "bottom-left", "bottom-right"};
    for (int i = 0; i < corners.length; i++) {
      int luma = luma(thumbnail.getRGB(corners[i][0], corners[i][1]));
      boolean dark = luma < 80;
      boolean light = luma > 170;
      if (i == 0 ? !dark : !light) {
        throw new AssertionError(
            name
                + ": the "
                + names[i]
                + " corner has luma "
                + luma
                + ", expected "
                + (i == 0 ? "dark (the marker)" : "light")
                + ": not upright");
      }
    }
  }

  private static int luma(int rgb) {
    int r = rgb >> 16 & 0xFF;
    int g = rgb >> 8 & 0xFF;
    int b = rgb & 0xFF;
    return (299 * r + 587 * g + 114 * b) / 1000;
  }

  public static List<Sample> all() {
    List<Sample> all = new ArrayList<>();
    BufferedImage rgb = upright(BufferedImage.TYPE_INT_RGB);
    all.add(jpeg("baseline JPEG", rgb, false));
    all.add(jpeg("progressive JPEG", rgb, true));
    all.add(new Sample("CMYK JPEG", "image/jpeg", cmykJpeg()));
    all.add(jpeg("grayscale JPEG", upright(BufferedImage.TYPE_BYTE_GRAY), false));
    all.add(exifJpeg(3, 180));
    all.add(exifJpeg(6, 270));
    all.add(png("8-bit PNG", upright(BufferedImage.TYPE_3BYTE_BGR), false));
    all.add(png("16-bit grayscale PNG", upright(BufferedImage.TYPE_USHORT_GRAY), false));
    all.add(png("palette PNG", palette(), false));
    all.add(png("interlaced PNG", rgb, true));
    all.add(png("alpha PNG", transparentAround(), false));
    all.add(new Sample("animated GIF", "image/gif", animatedGif()));
    all.add(webp("lossy WebP", rgb, "Lossy"));
    all.add(webp("lossless WebP", rgb, "Lossless"));
    all.add(webp("alpha WebP", transparentAround(), "Lossless"));
    all.add(webp("lossy alpha WebP", transparentAround(), "Lossy"));
    return all;
  }

  /** The upright picture in the given pixel type. */
  public static BufferedImage upright(int type) {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, type);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(LIGHT));
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, MARKER, MARKER);
    g.dispose();
    return image;
  }

  /** The marker on a transparent background: upright when composited onto white. */
  private static BufferedImage transparentAround() {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, MARKER, MARKER);
    g.dispose();
    return image;
  }

  private static BufferedImage palette() {
    byte[] levels = {0, (byte) 0xDD};
    BufferedImage image =
        new BufferedImage(
            WIDTH,
            HEIGHT,
            BufferedImage.TYPE_BYTE_INDEXED,
            new IndexColorModel(1, 2, levels, levels, levels));
    Graphics2D g = image.createGraphics();
    g.drawImage(upright(BufferedImage.TYPE_INT_RGB), 0, 0, null);
    g.dispose();
    return image;
  }

  private static Sample exifJpeg(int orientation, int storedRotation) {
    byte[] stored =
        encode(rotate(upright(BufferedImage.TYPE_INT_RGB), storedRotation), "jpeg", null);
    return new Sample(
        "EXIF orientation " + orientation + " JPEG",
        "image/jpeg",
        ExifJpegBuilder.withOrientation(stored, orientation, ByteOrder.BIG_ENDIAN));
  }

  /** The stored pixels of an image that a viewer shows upright after turning it back. */
  private static BufferedImage rotate(BufferedImage image, int degreesClockwise) {
    boolean swap = degreesClockwise % 180 != 0;
    int w = swap ? image.getHeight() : image.getWidth();
    int h = swap ? image.getWidth() : image.getHeight();
    AffineTransform turn = new AffineTransform();
    turn.translate(w / 2.0, h / 2.0);
    turn.rotate(Math.toRadians(degreesClockwise));
    turn.translate(-image.getWidth() / 2.0, -image.getHeight() / 2.0);
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    new AffineTransformOp(turn, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(image, out);
    return out;
  }

  private static Sample jpeg(String name, BufferedImage image, boolean progressive) {
    return new Sample(
        name, "image/jpeg", encode(image, "jpeg", progressive ? "progressive" : null));
  }

  private static Sample png(String name, BufferedImage image, boolean interlaced) {
    return new Sample(name, "image/png", encode(image, "png", interlaced ? "progressive" : null));
  }

  private static Sample webp(String name, BufferedImage image, String compression) {
    return new Sample(name, "image/webp", encode(image, "webp", compression));
  }

  /**
   * Four-channel JPEG as Photoshop writes it: an Adobe segment (transform 0, plain CMYK) and
   * inverted ink values. The JDK's own reader refuses these.
   */
  private static byte[] cmykJpeg() {
    BufferedImage rgb = upright(BufferedImage.TYPE_INT_RGB);
    WritableRaster cmyk =
        WritableRaster.createInterleavedRaster(
            java.awt.image.DataBuffer.TYPE_BYTE, WIDTH, HEIGHT, 4, null);
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        int grey = rgb.getRGB(x, y) & 0xFF;
        // Ink only in K; stored inverted, as Adobe does.
        cmyk.setPixel(x, y, new int[] {255, 255, 255, grey});
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageWriter writer = writer("jpeg");
    try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(cmyk, null, null), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    // Adobe APP14: "Adobe", version 100, flags 0, 0, transform 0 (CMYK, no colour transform).
    byte[] adobe = {
      (byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0
    };
    return ExifJpegBuilder.insertAfterSoi(out.toByteArray(), adobe);
  }

  /** Two frames: the upright picture, then solid black; a thumbnail shows the first. */
  private static byte[] animatedGif() {
    BufferedImage first = upright(BufferedImage.TYPE_INT_RGB);
    BufferedImage second = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageWriter writer = writer("gif");
    try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.prepareWriteSequence(null);
      for (BufferedImage frame : List.of(first, second)) {
        IIOMetadata metadata =
            writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), null);
        writer.writeToSequence(new IIOImage(frame, null, metadata), null);
      }
      writer.endWriteSequence();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private static byte[] encode(BufferedImage image, String format, String mode) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageWriter writer = writer(format);
    try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if ("progressive".equals(mode)) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      } else if (mode != null) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionType(mode);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private static ImageWriter writer(String format) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
    if (!writers.hasNext()) {
      throw new IllegalStateException("no ImageIO writer for " + format);
    }
    return writers.next();
  }
}
