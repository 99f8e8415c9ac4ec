package dev.uploads.worker.thumbnails;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Inserts a minimal APP1 Exif segment (TIFF header + IFD0 holding only the orientation tag) right
 * after SOI of an ImageIO-written JPEG, where cameras put it.
 */
public final class ExifJpegBuilder {

  private ExifJpegBuilder() {}

  public static byte[] withOrientation(byte[] jpeg, int orientation, ByteOrder order) {
    return insertAfterSoi(jpeg, app1(tiff(orientation, order)));
  }

  public static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
    if ((jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      throw new IllegalArgumentException("not a JPEG");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.writeBytes(segment);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  static byte[] app1(byte[] tiff) {
    int length = 2 + 6 + tiff.length; // the length field counts itself
    ByteBuffer b = ByteBuffer.allocate(2 + length).order(ByteOrder.BIG_ENDIAN);
    b.put((byte) 0xFF).put((byte) 0xE1).putShort((short) length);
    b.put(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    b.put(tiff);
    return b.array();
  }

  static byte[] tiff(int orientation, ByteOrder order) {
    ByteBuffer b = ByteBuffer.allocate(8 + 2 + 12 + 4).order(order);
    b.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
    b.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
    b.putShort((short) 42).putInt(8); // IFD0 straight after the header
    b.putShort((short) 1); // one entry
    b.putShort((short) 0x0112).putShort((short) 3).putInt(1); // orientation, SHORT, count 1
    b.putShort((short) orientation).putShort((short) 0); // value left-aligned, padded
    b.putInt(0); // no next IFD
    return b.array();
  }
}
