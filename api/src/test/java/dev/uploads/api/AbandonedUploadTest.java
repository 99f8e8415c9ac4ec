package dev.uploads.api;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that stops sending half-way through an upload, or goes away, is the network's doing:
 * answered 408 (or recorded as an abort when no answer can reach it), logged as one INFO line,
 * counted on the admin port, and never left behind as a temporary file or a 5xx.
 */
class AbandonedUploadTest {
  private static final String TIMEOUTS = "uploads.client-timeouts";
  private static final String ABORTS = "uploads.client-aborts";
  private static final int FILE_BYTES = 5 * 1024 * 1024;
  private static final long WAIT_MILLIS = 15_000;
  // 127.0.0.1 - - [30/Nov/2026:06:23:05 +0000] "POST /v1/uploads HTTP/1.1" 408 130 "-" "-" 1572
  private static final Pattern ACCESS_STATUS = Pattern.compile("\"[^\"]*\" (\\d{3}) ");
  // Dropwizard's default layout: "LEVEL [time] logger: message", stack trace lines start with "!".
  private static final Pattern LOG_ENTRY = Pattern.compile("^(TRACE|DEBUG|INFO|WARN|ERROR) +\\[");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestApi api;
  private static String key;
  private static byte[] body;

  @BeforeAll
  static void start() throws Exception {
    api = TestApi.start(false, "8MiB", new TestApi.Options("1s", true));
    key = api.newApiKey();
    byte[] file = new byte[FILE_BYTES];
    byte[] jpeg = Images.jpeg();
    System.arraycopy(jpeg, 0, file, 0, jpeg.length);
    body = Multipart.body("half.jpg", "image/jpeg", file);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void stalledBodyIsAnswered408AfterTheIdleTimeout() throws Exception {
    Before before = before();
    String response;
    long waitedMillis;
    try (Socket socket = sendHalfTheBody()) {
      awaitTempFile();
      long waitStart = System.nanoTime();
      response = new String(socket.getInputStream().readAllBytes(), ISO_8859_1);
      waitedMillis = (System.nanoTime() - waitStart) / 1_000_000;
    }

    assertTrue(response.startsWith("HTTP/1.1 408 "), response);
    assertTrue(
        response.toLowerCase(Locale.ROOT).contains("content-type: application/problem+json"),
        response);
    JsonNode problem = JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    assertEquals(408, problem.get("status").asInt());
    // The server answered when the 1 s idle timeout fired, not at once and not much later.
    assertTrue(waitedMillis >= 500 && waitedMillis < 10_000, "answered after " + waitedMillis);
    assertRecorded(before, 408, "answered 408", TIMEOUTS, ABORTS);
  }

  enum Disconnect {
    /** FIN: the client closes its socket. */
    CLOSE,
    /** RST: SO_LINGER 0 makes close reset the connection, as a dropped mobile link may. */
    RESET
  }

  @ParameterizedTest
  @EnumSource(Disconnect.class)
  void disconnectMidBodyIsRecordedAsAClientAbort(Disconnect how) throws Exception {
    Before before = before();
    Socket socket = sendHalfTheBody();
    awaitTempFile();
    if (how == Disconnect.RESET) {
      socket.setSoLinger(true, 0);
    }
    socket.close();

    assertRecorded(before, 499, "client went away", ABORTS, TIMEOUTS);
  }

  /** Headers declaring the whole body, then half of it: the server is left mid-file. */
  private static Socket sendHalfTheBody() throws IOException {
    Socket socket = new Socket("127.0.0.1", api.uri("/").getPort());
    socket.setSoTimeout((int) WAIT_MILLIS);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /v1/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + key
                + "\r\nContent-Type: multipart/form-data; boundary="
                + Multipart.BOUNDARY
                + "\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(US_ASCII));
    out.write(body, 0, body.length / 2);
    out.flush();
    return socket;
  }

  /** The blob store is streaming the upload to its temporary file. */
  private static void awaitTempFile() throws Exception {
    await("a temporary file in " + tempDir(), () -> !tempFiles().isEmpty());
  }

  private record Before(long requestLogSize, long appLogSize, long timeouts, long aborts) {
    long count(String meter) {
      return meter.equals(TIMEOUTS) ? timeouts : aborts;
    }
  }

  private static Before before() throws Exception {
    assertEquals(List.of(), tempFiles(), "a temporary file left by an earlier test");
    JsonNode meters = meters();
    return new Before(
        size(api.requestLog()),
        size(api.appLog()),
        meters.path(TIMEOUTS).path("count").asLong(),
        meters.path(ABORTS).path("count").asLong());
  }

  /**
   * After the abandoned request: one access log line with {@code status}, one INFO line naming it
   * and nothing at WARN or above or with a stack trace, {@code counted} up by exactly one and
   * {@code notCounted} unchanged, and no temporary file, stored blob or upload row.
   */
  private static void assertRecorded(
      Before before, int status, String logText, String counted, String notCounted)
      throws Exception {
    Predicate<String> upload = line -> line.contains("\"POST /v1/uploads HTTP/1.1\"");
    await(
        "the upload in the request log",
        () -> since(api.requestLog(), before.requestLogSize()).stream().anyMatch(upload));
    Predicate<String> ourLine = line -> line.contains("UploadResource") && line.contains(logText);
    await(
        "\"" + logText + "\" in the application log",
        () -> since(api.appLog(), before.appLogSize()).stream().anyMatch(ourLine));
    // A warning about the request would be logged before the request completed; the pause lets
    // the asynchronous appenders write it out before the logs are judged.
    Thread.sleep(500);

    // The admin port's requests (the metrics read by this test) share the request log.
    List<String> requests = since(api.requestLog(), before.requestLogSize());
    for (String line : requests) {
      Matcher access = ACCESS_STATUS.matcher(line);
      assertTrue(access.find(), line);
      assertTrue(access.group(1).charAt(0) != '5', "a server error in the request log: " + line);
    }
    List<String> uploads = requests.stream().filter(upload).toList();
    assertEquals(1, uploads.size(), "request log: " + requests);
    Matcher access = ACCESS_STATUS.matcher(uploads.get(0));
    assertTrue(access.find(), uploads.get(0));
    assertEquals(status, Integer.parseInt(access.group(1)), uploads.get(0));

    List<String> app = since(api.appLog(), before.appLogSize());
    List<String> ours = app.stream().filter(ourLine).toList();
    assertEquals(1, ours.size(), "application log: " + app);
    assertTrue(ours.get(0).startsWith("INFO "), ours.get(0));
    for (String line : app) {
      Matcher entry = LOG_ENTRY.matcher(line);
      boolean warning =
          entry.find() && (entry.group(1).equals("WARN") || entry.group(1).equals("ERROR"));
      if (warning || line.startsWith("!")) {
        fail("a warning or stack trace in the application log: " + line + "\n" + app);
      }
    }

    JsonNode meters = meters();
    assertEquals(before.count(counted) + 1, meters.path(counted).path("count").asLong(), counted);
    assertEquals(
        before.count(notCounted), meters.path(notCounted).path("count").asLong(), notCounted);
    assertEquals(
        (double) meters.path(counted).path("count").asLong(),
        prometheusValue(counted.replace('.', '_').replace('-', '_') + "_total"),
        "the same count in /prometheus");

    assertEquals(List.of(), tempFiles(), "temporary files left in " + tempDir());
    try (Stream<Path> stored = Files.walk(api.blobRoot.resolve("sha256"))) {
      assertEquals(0, stored.filter(Files::isRegularFile).count(), "a stored blob");
    }
    assertEquals(
        0L,
        (long)
            api.jdbi.withHandle(
                h -> h.createQuery("SELECT count(*) FROM uploads").mapTo(Long.class).one()));
  }

  private static Path tempDir() {
    return api.blobRoot.resolve("tmp");
  }

  private static List<Path> tempFiles() throws IOException {
    try (Stream<Path> files = Files.list(tempDir())) {
      return files.toList();
    }
  }

  private static JsonNode meters() throws Exception {
    var response = api.send(HttpRequest.newBuilder(api.adminUri("/metrics")).build());
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body()).path("meters");
  }

  private static double prometheusValue(String sample) throws Exception {
    var response = api.send(HttpRequest.newBuilder(api.adminUri("/prometheus")).build());
    assertEquals(200, response.statusCode(), response.body());
    for (String line : response.body().split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    throw new AssertionError(sample + " is not in /prometheus");
  }

  private static long size(Path file) throws IOException {
    return Files.exists(file) ? Files.size(file) : 0;
  }

  /** The complete lines appended to {@code file} since it was {@code offset} bytes long. */
  private static List<String> since(Path file, long offset) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    byte[] bytes;
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      bytes = new byte[(int) Math.max(0, in.length() - offset)];
      in.seek(offset);
      in.readFully(bytes);
    }
    String text = new String(bytes, UTF_8);
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    lines.remove(lines.size() - 1); // the part after the last newline is not a whole line yet
    lines.removeIf(String::isBlank);
    return lines;
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(String what, Condition condition) throws Exception {
    long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        fail("waited " + WAIT_MILLIS + " ms for " + what);
      }
      Thread.sleep(20);
    }
  }
}
