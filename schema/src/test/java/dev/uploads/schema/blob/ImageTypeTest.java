package dev.uploads.schema.blob;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageTypeTest {
  static final byte[] JPEG_HEAD = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10};
  static final byte[] PNG_HEAD = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};

  @Test
  void recognisesEachFormatByMagicBytes() {
    assertEquals(Optional.of(ImageType.JPEG), sniff(JPEG_HEAD));
    assertEquals(Optional.of(ImageType.PNG), sniff(PNG_HEAD));
    assertEquals(Optional.of(ImageType.GIF), sniff("GIF87a\u0001\u0000".getBytes(US_ASCII)));
    assertEquals(Optional.of(ImageType.GIF), sniff("GIF89a".getBytes(US_ASCII)));
    assertEquals(Optional.of(ImageType.WEBP), sniff(ascii("RIFF\u0024\u0000\u0000\u0000WEBPVP8 ")));
  }

  @Test
  void rejectsLookalikesAndShortInput() {
    assertEquals(Optional.empty(), sniff(ascii("RIFF\u0024\u0000\u0000\u0000WAVEfmt ")));
    assertEquals(Optional.empty(), sniff("GIF88a".getBytes(US_ASCII)));
    assertEquals(Optional.empty(), sniff("<svg xmlns=".getBytes(US_ASCII)));
    assertEquals(Optional.empty(), sniff(new byte[] {(byte) 0xFF, (byte) 0xD8}));
    assertEquals(Optional.empty(), sniff("RIFF\u0024\u0000\u0000\u0000WEB".getBytes(US_ASCII)));
    assertEquals(Optional.empty(), sniff(new byte[0]));
  }

  @Test
  void looksOnlyAtTheGivenLength() {
    assertEquals(Optional.empty(), ImageType.sniff(PNG_HEAD, 7));
    assertEquals(Optional.of(ImageType.PNG), ImageType.sniff(PNG_HEAD, 8));
    assertThrows(IndexOutOfBoundsException.class, () -> ImageType.sniff(PNG_HEAD, 13));
  }

  @Test
  void carriesMediaTypeAndExtension() {
    assertEquals("image/jpeg", ImageType.JPEG.mediaType());
    assertEquals("jpg", ImageType.JPEG.extension());
    assertEquals("image/png", ImageType.PNG.mediaType());
    assertEquals("image/gif", ImageType.GIF.mediaType());
    assertEquals("image/webp", ImageType.WEBP.mediaType());
    assertEquals("webp", ImageType.WEBP.extension());
  }

  private static byte[] ascii(String text) {
    return text.getBytes(US_ASCII);
  }

  private static Optional<ImageType> sniff(byte[] head) {
    return ImageType.sniff(head, head.length);
  }
}
