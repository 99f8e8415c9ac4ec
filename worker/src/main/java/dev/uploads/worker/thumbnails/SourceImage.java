package dev.uploads.worker.thumbnails;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * An uploaded image whose header has been read but whose pixels have not. Splitting the two lets
 * the caller check the declared size before paying for a decode.
 */
final class SourceImage implements AutoCloseable {

  /*
   * Formats we accept from uploads: what the API's ImageType lets in, plus BMP. WBMP has no magic
   * number, so arbitrary bytes starting with two zero bytes can pass as one; the rest (TIFF, etc.)
   * are not worth their attack surface.
   */
  private static final Set<String> ACCEPTED_FORMATS = Set.of("jpeg", "png", "gif", "bmp", "webp");

  /*
   * Decoders that may parse hostile bytes: the JDK's own and TwelveMonkeys' pure-Java plugins
   * (WebP, and JPEG for CMYK/YCCK, which the JDK refuses). Any other ImageIO plugin that happens to
   * be on the classpath, such as a native libwebp binding, is never handed an upload.
   */
  private static final List<String> TRUSTED_READER_PACKAGES =
      List.of("com.sun.imageio.plugins.", "com.twelvemonkeys.imageio.plugins.");

  /*
   * libjpeg reports truncated or damaged entropy data as warnings and fills the rest with grey;
   * an upload like that is broken, not an image.
   */
  private static final List<String> FATAL_WARNINGS = List.of("premature end", "corrupt");

  private final ImageInputStream input;
  private final ImageReader reader;
  private final int width;
  private final int height;

  private SourceImage(ImageInputStream input, ImageReader reader, int width, int height) {
    this.input = input;
    this.reader = reader;
    this.width = width;
    this.height = height;
  }

  static SourceImage open(byte[] image) throws UndecodableImageException {
    if (image == null || image.length == 0) {
      throw new UndecodableImageException("image is empty");
    }
    // Not ImageIO.createImageInputStream: with the default cache setting it may buffer to a
    // temp file, and switching that off is a JVM-wide flag.
    ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(image));
    ImageReader reader = null;
    try {
      reader = acceptedReader(input);
      if (reader == null) {
        throw new UnsupportedImageException("unrecognised image format");
      }
      // Forward-only and no metadata: we read one frame once, and metadata is an extra parser
      // exposed to hostile input (EXIF orientation is parsed separately, with bounds checks).
      reader.setInput(input, true, true);
      SourceImage source = new SourceImage(input, reader, reader.getWidth(0), reader.getHeight(0));
      if (source.width <= 0 || source.height <= 0) {
        throw new UndecodableImageException(
            "image declares invalid size " + source.width + "x" + source.height);
      }
      return source;
    } catch (IOException | RuntimeException e) {
      close(input, reader);
      throw new UndecodableImageException("cannot read image header: " + e.getMessage(), e);
    } catch (UndecodableImageException e) {
      close(input, reader);
      throw e;
    }
  }

  private static ImageReader acceptedReader(ImageInputStream input) {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
    while (readers.hasNext()) {
      ImageReader candidate = readers.next();
      try {
        String format = candidate.getFormatName().toLowerCase(Locale.ROOT);
        String type = candidate.getClass().getName();
        if (ACCEPTED_FORMATS.contains(format)
            && TRUSTED_READER_PACKAGES.stream().anyMatch(type::startsWith)) {
          return candidate;
        }
      } catch (IOException e) {
        // This reader cannot even name its format; try the next one.
      }
      candidate.dispose();
    }
    return null;
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  boolean isJpeg() {
    try {
      return "jpeg".equalsIgnoreCase(reader.getFormatName());
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Decodes the first frame, keeping every {@code step}-th pixel in each direction. Subsampling
   * happens while reading, so a large source never exists at full size in memory.
   */
  BufferedImage decode(int step) throws UndecodableImageException {
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
    ImageReadParam param = reader.getDefaultReadParam();
    if (step > 1) {
      param.setSourceSubsampling(step, step, 0, 0);
    }
    BufferedImage pixels;
    try {
      pixels = reader.read(0, param);
    } catch (IOException | RuntimeException e) {
      throw new UndecodableImageException("cannot decode image: " + e.getMessage(), e);
    }
    for (String warning : warnings) {
      String lower = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
      if (FATAL_WARNINGS.stream().anyMatch(lower::contains)) {
        throw new UndecodableImageException("image data is truncated or corrupt: " + warning);
      }
    }
    return pixels;
  }

  @Override
  public void close() {
    close(input, reader);
  }

  private static void close(ImageInputStream input, ImageReader reader) {
    if (reader != null) {
      reader.dispose();
    }
    try {
      input.close();
    } catch (IOException e) {
      // An in-memory stream has nothing left to release.
    }
  }
}
