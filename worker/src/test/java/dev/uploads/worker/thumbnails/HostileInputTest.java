package dev.uploads.worker.thumbnails;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Inputs an attacker or a broken client could upload. The worker's tests run with -Xmx768m. */
class HostileInputTest {

  private final Thumbnailer thumbnailer = new Thumbnailer();

  @Test
  void jpegTruncatedHalfwayIsUndecodable() {
    byte[] jpeg = SampleImages.jpeg(SampleImages.photo(800, 600));
    byte[] half = Arrays.copyOf(jpeg, jpeg.length / 2);

    UndecodableImageException e =
        assertThrows(UndecodableImageException.class, () -> thumbnailer.make(half));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void pngTruncatedHalfwayIsUndecodable() {
    byte[] png = SampleImages.png(SampleImages.photo(800, 600));
    byte[] half = Arrays.copyOf(png, png.length / 2);

    UndecodableImageException e =
        assertThrows(UndecodableImageException.class, () -> thumbnailer.make(half));
    assertNotNull(e.getCause());
  }

  @Test
  void randomBytesAreUndecodable() {
    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);

    assertThrows(UndecodableImageException.class, () -> thumbnailer.make(noise));
    assertThrows(UndecodableImageException.class, () -> Thumbnailer.megapixels(noise));
  }

  @Test
  void zeroBytesAreUndecodable() {
    // Two leading zero bytes look like a WBMP header, which has no magic number.
    assertThrows(UndecodableImageException.class, () -> thumbnailer.make(new byte[4096]));
  }

  @Test
  void textIsUndecodable() {
    byte[] text =
        "<html><body>definitely not an image</body></html>".getBytes(StandardCharsets.UTF_8);

    assertThrows(UndecodableImageException.class, () -> thumbnailer.make(text));
  }

  @Test
  void emptyAndNullAreUndecodable() {
    assertThrows(UndecodableImageException.class, () -> thumbnailer.make(new byte[0]));
    assertThrows(UndecodableImageException.class, () -> thumbnailer.make(null));
  }

  @Test
  void decompressionBombIsRefusedFromTheHeaderAlone() {
    byte[] bomb = CraftedPng.declaring(60_000, 60_000);
    assertTrue(bomb.length < 200, "bomb is tiny: " + bomb.length);

    // 3.6 G pixels would need 14 GB as RGB; a 768 MB heap proves nothing was allocated.
    ImageTooLargeException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2),
            () -> assertThrows(ImageTooLargeException.class, () -> thumbnailer.make(bomb)));
    assertEquals("image is 60000x60000 = 3600 MP, over the 40 MP limit", e.getMessage());
    assertEquals(60_000, e.width());
    assertEquals(60_000, e.height());
  }

  @Test
  void testsRunWithASmallHeap() {
    // Guards the surefire argLine: the bomb test only proves something under a small heap.
    assertTrue(
        Runtime.getRuntime().maxMemory() <= 1024L * 1024 * 1024,
        "max heap " + Runtime.getRuntime().maxMemory());
  }

  @Test
  void megapixelsReadsTheBombHeaderWithoutDecoding() throws Exception {
    assertEquals(3600.0, Thumbnailer.megapixels(CraftedPng.declaring(60_000, 60_000)), 1e-9);
  }

  @Test
  void limitIsInclusive() throws Exception {
    byte[] png = SampleImages.png(SampleImages.photo(200, 100));

    assertEquals(2, new Thumbnailer(20_000, new int[] {64, 128}).make(png).size());
    assertThrows(
        ImageTooLargeException.class, () -> new Thumbnailer(19_999, new int[] {64}).make(png));
  }

  @Test
  void tooLargeMessageShowsFractionalMegapixels() {
    assertEquals(
        "image is 1500x1000 = 1.5 MP, over the 0.5 MP limit",
        new ImageTooLargeException(1500, 1000, 500_000).getMessage());
  }
}
