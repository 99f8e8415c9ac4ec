package dev.uploads.bench.suite;

import dev.uploads.bench.jobs.TexturedJpeg;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Complete {@code POST /v1/uploads} requests, built once before any load: the load generator then
 * only writes prepared bytes, so its own cost stays small next to the API's.
 */
public final class UploadRequests {
  private static final String BOUNDARY = "bench-7c1f0a9e3b5d4c2a";

  private UploadRequests() {}

  /** count distinct small textured JPEGs (different bytes, so different SHA-256 and blob keys). */
  public static List<byte[]> jpegs(int count, int width, int height) {
    List<byte[]> images = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      images.add(TexturedJpeg.make(width, height, 1_000 + i));
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
}
