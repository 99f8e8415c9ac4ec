package dev.uploads.topology.chaos;

import dev.uploads.topology.Images;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Images no retry can fix, each with the failure code its upload must end with: a JPEG cut in half
 * (its header passes the API's sniffing, its body does not decode) and a PNG whose header claims
 * billions of pixels in a few bytes (a decompression bomb).
 */
final class BadImages {
  static final String UNDECODABLE = "undecodable_image";
  static final String TOO_LARGE = "image_too_large";

  private BadImages() {}

  static byte[] truncatedJpeg() {
    byte[] jpeg = Images.jpeg(320, 240);
    return Arrays.copyOf(jpeg, jpeg.length / 2);
  }

  static byte[] bombPng() {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    // 60,000 x 60,000 RGB, 8 bits per channel, no interlace.
    byte[] header =
        ByteBuffer.allocate(13)
            .putInt(60_000)
            .putInt(60_000)
            .put(new byte[] {8, 2, 0, 0, 0})
            .array();
    chunk(png, "IHDR", header);
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[4096]);
    deflater.finish();
    byte[] compressed = new byte[8192];
    chunk(png, "IDAT", Arrays.copyOf(compressed, deflater.deflate(compressed)));
    deflater.end();
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    png.writeBytes(name);
    png.writeBytes(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
