package dev.uploads.bench.stack;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Complete {@code POST /v1/uploads} requests, built once before any load: the load generator then
 * only writes prepared bytes, so its own cost stays small next to the API's.
 */
public final class UploadRequests {
  private static final String BOUNDARY = "bench-7c1f0a9e3b5d4c2a";

  private UploadRequests() {}

  /** count distinct small JPEGs (different bytes, so different SHA-256 and blob keys). */
  public static List<byte[]> jpegs(int count, int width, int height) {
    Random random = new Random(42);
    List<byte[]> images = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      // Coloured 8x8 blocks: realistic JPEG sizes (a few KB), unlike pure noise or flat colour.
      for (int y = 0; y < height; y += 8) {
        for (int x = 0; x < width; x += 8) {
          g.setColor(new Color(random.nextInt(0x1000000)));
          g.fillRect(x, y, 8, 8);
        }
      }
      g.dispose();
      ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
      try {
        if (!ImageIO.write(image, "jpg", jpeg)) {
          throw new IllegalStateException("this JDK has no JPEG writer");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      images.add(jpeg.toByteArray());
    }
    return images;
  }

  /** One HTTP/1.1 keep-alive request per image, multipart with the file in field {@code file}. */
  public static List<byte[]> multipart(List<byte[]> jpegs, String hostPort, String apiKey) {
    List<byte[]> requests = new ArrayList<>(jpegs.size());
    for (int i = 0; i < jpegs.size(); i++) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(
          ("--"
                  + BOUNDARY
                  + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench-"
                  + i
                  + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      body.writeBytes(jpegs.get(i));
      body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
      String head =
          "POST /v1/uploads HTTP/1.1\r\nHost: "
              + hostPort
              + "\r\nAuthorization: Bearer "
              + apiKey
              + "\r\nContent-Type: multipart/form-data; boundary="
              + BOUNDARY
              + "\r\nContent-Length: "
              + body.size()
              + "\r\n\r\n";
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
      request.writeBytes(body.toByteArray());
      requests.add(request.toByteArray());
    }
    return requests;
  }

  static double averageSize(List<byte[]> blobs) {
    return blobs.stream().mapToInt(b -> b.length).average().orElse(0);
  }
}
