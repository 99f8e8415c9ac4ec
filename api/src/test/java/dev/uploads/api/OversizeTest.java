package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A body over the limit is refused while it streams, not after it was read whole. */
class OversizeTest {
  private static final long ATTEMPTED = 200L * 1024 * 1024;
  private static TestApi api;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    api = TestApi.start(false, "1MiB");
    key = api.newApiKey();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void declaredLengthOverTheLimitIsRefusedBeforeTheBody() throws Exception {
    Result result = send("Content-Length: " + ATTEMPTED);
    assertEquals(413, result.status);
    assertTrue(result.bytesSent < 16L * 1024 * 1024, "sent " + result.bytesSent);
  }

  @Test
  void chunkedBodyIsCutOffOnceItPassesTheLimit() throws Exception {
    Result result = send("Transfer-Encoding: chunked");
    assertEquals(413, result.status);
    assertTrue(result.bytesSent < 16L * 1024 * 1024, "sent " + result.bytesSent);
    assertEquals(
        0L,
        (long)
            api.jdbi.withHandle(
                h -> h.createQuery("SELECT count(*) FROM uploads").mapTo(Long.class).one()));
  }

  record Result(int status, long bytesSent) {}

  private Result send(String framing) throws Exception {
    return send(api, key, framing);
  }

  /**
   * Streams a JPEG-looking 200 MiB body from a second thread until the server answers, reading the
   * answer meanwhile. A client that reads only once it has sent everything (as the JDK's does) may
   * lose the answer: the server closes a connection whose body it refused, and the reset that the
   * client's further bytes provoke discards what the server had sent.
   */
  static Result send(TestApi api, String key, String framing) throws Exception {
    boolean chunked = framing.startsWith("Transfer-Encoding");
    try (Socket socket = new Socket("127.0.0.1", api.uri("/").getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + key
                  + "\r\nContent-Type: image/jpeg\r\n"
                  + framing
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      AtomicLong sent = new AtomicLong();
      Thread writer =
          new Thread(
              () -> {
                byte[] chunk = new byte[64 * 1024];
                chunk[0] = (byte) 0xFF;
                chunk[1] = (byte) 0xD8;
                chunk[2] = (byte) 0xFF;
                chunk[3] = (byte) 0xE0;
                try {
                  while (sent.get() < ATTEMPTED) {
                    if (chunked) {
                      out.write(
                          (Integer.toHexString(chunk.length) + "\r\n")
                              .getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(chunk);
                    if (chunked) {
                      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    sent.addAndGet(chunk.length);
                  }
                } catch (Exception e) {
                  // The server closed the connection: that is the point.
                }
              });
      writer.setDaemon(true);
      writer.start();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String statusLine = in.readLine();
      long sentWhenAnswered = sent.get();
      socket.close();
      writer.join(10_000);
      return new Result(Integer.parseInt(statusLine.split(" ")[1]), sentWhenAnswered);
    }
  }
}
