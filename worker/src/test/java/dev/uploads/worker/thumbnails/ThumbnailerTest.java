package dev.uploads.worker.thumbnails;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThumbnailerTest {

  private final Thumbnailer thumbnailer = new Thumbnailer();

  @Test
  void jpegGetsEachWidthWithAspectPreservingHeight() throws Exception {
    List<Thumbnail> thumbs = thumbnailer.make(SampleImages.jpeg(SampleImages.photo(1600, 1200)));

    assertSizes(thumbs, new int[][] {{128, 128, 96}, {512, 512, 384}});
  }

  @Test
  void pngGetsEachWidthWithAspectPreservingHeight() throws Exception {
    List<Thumbnail> thumbs = thumbnailer.make(SampleImages.png(SampleImages.photo(1000, 300)));

    assertSizes(thumbs, new int[][] {{128, 128, 38}, {512, 512, 154}});
  }

  @Test
  void resultsFollowConfiguredOrder() throws Exception {
    Thumbnailer reversed = new Thumbnailer(Thumbnailer.DEFAULT_MAX_PIXELS, new int[] {512, 128});

    List<Thumbnail> thumbs = reversed.make(SampleImages.jpeg(SampleImages.photo(800, 800)));

    assertSizes(thumbs, new int[][] {{512, 512, 512}, {128, 128, 128}});
  }

  @Test
  void transparentPngIsFlattenedOntoWhite() throws Exception {
    BufferedImage argb = new BufferedImage(400, 200, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = argb.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(200, 0, 200, 200); // left half stays fully transparent
    g.dispose();

    Thumbnail thumb = thumbnailer.make(SampleImages.png(argb)).get(0);

    BufferedImage out = SampleImages.decode(thumb.bytes());
    assertColour(Color.WHITE, out.getRGB(10, 30));
    assertColour(Color.RED, out.getRGB(118, 30));
  }

  @Test
  void narrowSourceIsNotUpscaledButStillKeyedByRequestedWidth() throws Exception {
    List<Thumbnail> thumbs = thumbnailer.make(SampleImages.jpeg(SampleImages.photo(300, 200)));

    assertSizes(thumbs, new int[][] {{128, 128, 85}, {512, 300, 200}});
  }

  @Test
  void gifAndBmpAreAccepted() throws Exception {
    BufferedImage image = SampleImages.photo(256, 128);
    for (String format : new String[] {"gif", "bmp"}) {
      Thumbnail thumb = thumbnailer.make(SampleImages.encode(image, format)).get(0);
      assertEquals(64, thumb.height(), format);
    }
  }

  @Test
  void twelveMegapixelPhotoMakesBothWidthsQuickly() throws Exception {
    byte[] jpeg = SampleImages.jpeg(SampleImages.photo(4000, 3000));
    assertEquals(12.0, Thumbnailer.megapixels(jpeg), 1e-9);

    List<Thumbnail> thumbs = assertTimeout(Duration.ofSeconds(10), () -> thumbnailer.make(jpeg));

    assertSizes(thumbs, new int[][] {{128, 128, 96}, {512, 512, 384}});
  }

  @Test
  void rejectsInvalidConfiguration() {
    assertThrows(IllegalArgumentException.class, () -> new Thumbnailer(0, new int[] {128}));
    assertThrows(IllegalArgumentException.class, () -> new Thumbnailer(1000, new int[0]));
    assertThrows(IllegalArgumentException.class, () -> new Thumbnailer(1000, new int[] {0}));
  }

  /** Each row: requested width, width, height; also checks the bytes really are that JPEG. */
  static void assertSizes(List<Thumbnail> thumbs, int[][] expected) {
    assertEquals(expected.length, thumbs.size());
    for (int i = 0; i < expected.length; i++) {
      Thumbnail t = thumbs.get(i);
      assertArrayEquals(expected[i], new int[] {t.requestedWidth(), t.width(), t.height()});
      assertEquals("image/jpeg", t.contentType());
      assertTrue(
          t.bytes().length > 2 && (t.bytes()[0] & 0xFF) == 0xFF && (t.bytes()[1] & 0xFF) == 0xD8,
          "JPEG SOI");
      BufferedImage decoded = SampleImages.decode(t.bytes());
      assertEquals(t.width(), decoded.getWidth());
      assertEquals(t.height(), decoded.getHeight());
    }
  }

  /** JPEG is lossy, so colours are compared per channel with a tolerance. */
  static void assertColour(Color expected, int actualRgb) {
    Color actual = new Color(actualRgb);
    int tolerance = 40;
    assertTrue(
        Math.abs(expected.getRed() - actual.getRed()) < tolerance
            && Math.abs(expected.getGreen() - actual.getGreen()) < tolerance
            && Math.abs(expected.getBlue() - actual.getBlue()) < tolerance,
        () -> "expected " + expected + " but was " + actual);
  }
}
