package dev.uploads.worker.thumbnails;

/**
 * Finds the orientation tag in a JPEG's APP1 Exif segment by walking the bytes directly. ImageIO's
 * JPEG metadata does not expose Exif, and a hand-rolled walk lets every offset be bounds-checked
 * against hostile input.
 */
final class JpegExif {

  private static final int ORIENTATION_TAG = 0x0112;
  private static final int SHORT_TYPE = 3;

  private JpegExif() {}

  /**
   * Reads the orientation from a JPEG's APP1 Exif segment. Anything missing or malformed yields
   * {@link ExifOrientation#NORMAL}: the tag is only a display hint and must not cause a decodable
   * photo to be rejected.
   */
  static ExifOrientation orientation(byte[] jpeg) {
    int pos = 2; // after SOI
    if (jpeg.length < 4 || u8(jpeg, 0) != 0xFF || u8(jpeg, 1) != 0xD8) {
      return ExifOrientation.NORMAL;
    }
    while (pos + 4 <= jpeg.length) {
      if (u8(jpeg, pos) != 0xFF) {
        return ExifOrientation.NORMAL;
      }
      int marker = u8(jpeg, pos + 1);
      if (marker == 0xFF) { // fill byte before a marker
        pos++;
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) { // Exif always precedes the scan data
        return ExifOrientation.NORMAL;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // no length field
        pos += 2;
        continue;
      }
      int length = (u8(jpeg, pos + 2) << 8) | u8(jpeg, pos + 3);
      int body = pos + 4;
      int end = pos + 2 + length;
      if (length < 2 || end > jpeg.length) {
        return ExifOrientation.NORMAL;
      }
      if (marker == 0xE1 && isExifHeader(jpeg, body, end)) {
        return fromTiff(jpeg, body + 6, end);
      }
      pos = end;
    }
    return ExifOrientation.NORMAL;
  }

  private static boolean isExifHeader(byte[] b, int start, int end) {
    byte[] exif = {'E', 'x', 'i', 'f', 0, 0};
    if (end - start < exif.length) {
      return false;
    }
    for (int i = 0; i < exif.length; i++) {
      if (b[start + i] != exif[i]) {
        return false;
      }
    }
    return true;
  }

  /** Walks IFD0 of the TIFF structure in {@code [tiff, end)}; offsets are relative to tiff. */
  private static ExifOrientation fromTiff(byte[] b, int tiff, int end) {
    if (end - tiff < 8) {
      return ExifOrientation.NORMAL;
    }
    boolean little;
    if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
      little = true;
    } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
      little = false;
    } else {
      return ExifOrientation.NORMAL;
    }
    if (u16(b, tiff + 2, little) != 42) {
      return ExifOrientation.NORMAL;
    }
    long ifd = tiff + u32(b, tiff + 4, little);
    if (ifd + 2 > end) {
      return ExifOrientation.NORMAL;
    }
    int count = u16(b, (int) ifd, little);
    for (int i = 0; i < count; i++) {
      long entry = ifd + 2 + 12L * i;
      if (entry + 12 > end) {
        return ExifOrientation.NORMAL;
      }
      int e = (int) entry;
      if (u16(b, e, little) == ORIENTATION_TAG && u16(b, e + 2, little) == SHORT_TYPE) {
        // A single SHORT sits left-aligned in the 4-byte value field in both byte orders.
        return ExifOrientation.ofTagValue(u16(b, e + 8, little));
      }
    }
    return ExifOrientation.NORMAL;
  }

  private static int u8(byte[] b, int i) {
    return b[i] & 0xFF;
  }

  private static int u16(byte[] b, int i, boolean little) {
    return little ? u8(b, i) | (u8(b, i + 1) << 8) : (u8(b, i) << 8) | u8(b, i + 1);
  }

  private static long u32(byte[] b, int i, boolean little) {
    long lo = u16(b, little ? i : i + 2, little);
    long hi = u16(b, little ? i + 2 : i, little);
    return (hi << 16) | lo;
  }
}
