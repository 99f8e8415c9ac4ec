package dev.uploads.worker.thumbnails;

import static dev.uploads.worker.thumbnails.ThumbnailerTest.assertColour;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stored image is 400x200, red in its stored top-left corner and green in its stored top-right;
 * each orientation must land them where a viewer honouring EXIF would show them.
 */
class OrientationTest {

  private static final int STORED_WIDTH = 400;
  private static final int STORED_HEIGHT = 200;
  private static final int INSET = 6;

  private final Thumbnailer thumbnailer =
      new Thumbnailer(Thumbnailer.DEFAULT_MAX_PIXELS, new int[] {100});
  private final byte[] plain =
      SampleImages.jpeg(SampleImages.cornerMarked(STORED_WIDTH, STORED_HEIGHT, 60));

  @ParameterizedTest(name = "orientation {0}, {1}")
  @CsvSource({
    "1, LITTLE", "2, BIG", "3, LITTLE", "4, BIG",
    "5, LITTLE", "6, BIG", "7, LITTLE", "8, BIG",
    "6, LITTLE", "3, BIG"
  })
  void widthRefersToTheUprightImage(int orientation, String order) throws Exception {
    Thumbnail thumb = thumbnailer.make(jpegWithOrientation(orientation, byteOrder(order))).get(0);

    assertEquals(100, thumb.width());
    assertEquals(orientation >= 5 ? 200 : 50, thumb.height());
  }

  @ParameterizedTest(name = "orientation {0}: red {1}, green {2}")
  @CsvSource({
    "1, TOP_LEFT, TOP_RIGHT",
    "2, TOP_RIGHT, TOP_LEFT",
    "3, BOTTOM_RIGHT, BOTTOM_LEFT",
    "4, BOTTOM_LEFT, BOTTOM_RIGHT",
    "5, TOP_LEFT, BOTTOM_LEFT",
    "6, TOP_RIGHT, BOTTOM_RIGHT",
    "7, BOTTOM_RIGHT, TOP_RIGHT",
    "8, BOTTOM_LEFT, TOP_LEFT"
  })
  void storedCornersLandWhereExifSays(int orientation, Corner red, Corner green) throws Exception {
    Thumbnail thumb =
        thumbnailer.make(jpegWithOrientation(orientation, ByteOrder.BIG_ENDIAN)).get(0);
    BufferedImage out = SampleImages.decode(thumb.bytes());

    assertColour(Color.RED, red.sample(out));
    assertColour(Color.GREEN, green.sample(out));
    for (Corner other : Corner.values()) {
      if (other != red && other != green) {
        assertColour(Color.GRAY, other.sample(out));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 9, 0xFFFF})
  void outOfRangeTagIsTreatedAsNormal(int value) {
    byte[] jpeg = jpegWithOrientation(value, ByteOrder.LITTLE_ENDIAN);

    assertEquals(ExifOrientation.NORMAL, JpegExif.orientation(jpeg));
  }

  @Test
  void malformedExifIsIgnored() throws Exception {
    byte[] tiff = ExifJpegBuilder.tiff(6, ByteOrder.BIG_ENDIAN);
    tiff[7] = 100; // IFD0 offset points past the segment
    byte[] jpeg = ExifJpegBuilder.insertAfterSoi(plain, ExifJpegBuilder.app1(tiff));

    assertEquals(ExifOrientation.NORMAL, JpegExif.orientation(jpeg));
    assertEquals(50, thumbnailer.make(jpeg).get(0).height());
  }

  @Test
  void segmentLengthPastTheEndIsIgnored() {
    byte[] jpeg = jpegWithOrientation(6, ByteOrder.BIG_ENDIAN);

    assertEquals(ExifOrientation.NORMAL, JpegExif.orientation(Arrays.copyOf(jpeg, 20)));
    assertEquals(ExifOrientation.NORMAL, JpegExif.orientation(new byte[] {(byte) 0xFF}));
  }

  @Test
  void orientationIsIgnoredForPng() throws Exception {
    // A PNG does not carry a JPEG APP1 segment; its bytes must not be scanned as one.
    Thumbnail thumb =
        thumbnailer
            .make(SampleImages.png(SampleImages.cornerMarked(STORED_WIDTH, STORED_HEIGHT, 60)))
            .get(0);

    assertEquals(50, thumb.height());
  }

  private byte[] jpegWithOrientation(int orientation, ByteOrder order) {
    return ExifJpegBuilder.withOrientation(plain, orientation, order);
  }

  private static ByteOrder byteOrder(String name) {
    return "BIG".equals(name) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
  }

  enum Corner {
    TOP_LEFT,
    TOP_RIGHT,
    BOTTOM_LEFT,
    BOTTOM_RIGHT;

    int sample(BufferedImage image) {
      int x = this == TOP_LEFT || this == BOTTOM_LEFT ? INSET : image.getWidth() - 1 - INSET;
      int y = this == TOP_LEFT || this == TOP_RIGHT ? INSET : image.getHeight() - 1 - INSET;
      return image.getRGB(x, y);
    }
  }
}
