package dev.uploads.schema.blob;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/** The image formats accepted for upload. */
public enum ImageType {
  JPEG("image/jpeg", "jpg"),
  PNG("image/png", "png"),
  GIF("image/gif", "gif"),
  WEBP("image/webp", "webp");

  /** How many leading bytes {@link #sniff} needs to recognise every format. */
  public static final int SNIFF_LENGTH = 12;

  private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A};
  private static final byte[] GIF87A = ascii("GIF87a");
  private static final byte[] GIF89A = ascii("GIF89a");
  private static final byte[] RIFF = ascii("RIFF");
  private static final byte[] WEBP_FOURCC = ascii("WEBP");

  private final String mediaType;
  private final String extension;

  ImageType(String mediaType, String extension) {
    this.mediaType = mediaType;
    this.extension = extension;
  }

  public String mediaType() {
    return mediaType;
  }

  /** File extension without the dot. */
  public String extension() {
    return extension;
  }

  /**
   * Recognises the format from magic bytes only: the client's declared Content-Type and filename
   * are not trusted.
   */
  public static Optional<ImageType> sniff(byte[] head, int length) {
    Objects.checkFromIndexSize(0, length, head.length);
    if (startsWith(head, length, 0, JPEG_MAGIC)) {
      return Optional.of(JPEG);
    }
    if (startsWith(head, length, 0, PNG_MAGIC)) {
      return Optional.of(PNG);
    }
    if (startsWith(head, length, 0, GIF87A) || startsWith(head, length, 0, GIF89A)) {
      return Optional.of(GIF);
    }
    // Bytes 4..7 are the RIFF chunk size, which can be anything.
    if (startsWith(head, length, 0, RIFF) && startsWith(head, length, 8, WEBP_FOURCC)) {
      return Optional.of(WEBP);
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] head, int length, int offset, byte[] magic) {
    if (offset + magic.length > length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (head[offset + i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
