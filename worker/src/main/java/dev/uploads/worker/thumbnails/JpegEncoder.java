package dev.uploads.worker.thumbnails;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Encodes RGB images as baseline JPEG at a fixed quality. */
final class JpegEncoder {

  static final String CONTENT_TYPE = "image/jpeg";

  private final float quality;

  JpegEncoder(float quality) {
    this.quality = quality;
  }

  byte[] encode(BufferedImage rgb) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // Memory cache: ImageIO's default stream may spill to a temp file, pointless for thumbnails.
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.setOutput(stream);
      writer.write(null, new IIOImage(rgb, null, null), param);
    } catch (IOException e) {
      // Writing to memory only fails on a bug (or an image over JPEG's 65535px side limit).
      throw new UncheckedIOException("JPEG encoding failed", e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
