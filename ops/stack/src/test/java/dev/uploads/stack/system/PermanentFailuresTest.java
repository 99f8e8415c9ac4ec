package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.Topics;
import dev.uploads.schema.blob.FileSystemBlobStore;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** What no retry can fix goes to the dead letters at once, with its history, and work goes on. */
class PermanentFailuresTest {
  @Test
  void truncatedJpegAndDecompressionBombFailTheirUploads() throws Exception {
    SystemHarness system = SystemHarness.get();
    Client client = system.newClient("broken@example.test");
    byte[] jpeg = Images.jpeg(640, 480);
    String truncated = client.upload(Arrays.copyOf(jpeg, jpeg.length / 2));
    byte[] jpeg2 = Images.jpeg(640, 480);
    String truncatedToo = client.upload(Arrays.copyOf(jpeg2, jpeg2.length / 2));
    String bomb = client.upload(bombPng(60_000, 60_000));
    String fine = client.upload(Images.jpeg(200, 100));

    SystemHarness.await(
        "the good upload after them is ready",
        Duration.ofSeconds(60),
        () -> HappyPathTest.ready(client, fine));
    for (String id : new String[] {truncated, truncatedToo, bomb}) {
      SystemHarness.await(
          id + " failed", Duration.ofSeconds(60), () -> status(client, id).equals("failed"));
      assertEquals(1, letters(system, "thumbnails", id));
      assertEquals(
          1,
          system.count("SELECT attempt_count FROM dead_letters WHERE event_key = ?", id),
          "no retry");
      assertEquals(
          1,
          system.count(
              "SELECT jsonb_array_length(attempts) FROM dead_letters WHERE event_key = ?", id));
    }
    String fingerprint = fingerprint(system, truncated);
    assertEquals(
        fingerprint, fingerprint(system, truncatedToo), "the same fault, the same fingerprint");
    assertFalse(fingerprint.equals(fingerprint(system, bomb)));
    assertTrue(
        text(system, "SELECT exception_class FROM dead_letters WHERE event_key = ?", bomb)
            .endsWith("PermanentFailure"));
    assertTrue(
        text(system, "SELECT message FROM dead_letters WHERE event_key = ?", bomb)
            .contains("MP limit"));

    var records =
        Topic.read(
            Topics.deadLetters("thumbnails"),
            rs -> rs.stream().anyMatch(r -> bomb.equals(Topic.key(r))),
            Duration.ofSeconds(60));
    var record = records.stream().filter(r -> bomb.equals(Topic.key(r))).findFirst().orElseThrow();
    assertEquals(fingerprint(system, bomb), Topic.header(record, EventHeaders.DLT_FINGERPRINT));
    assertEquals(Topics.UPLOADS, Topic.header(record, EventHeaders.DLT_ORIGINAL_TOPIC));
    assertEquals("thumbnails", Topic.header(record, EventHeaders.DLT_CONSUMER_GROUP));
    assertEquals("1", Topic.header(record, EventHeaders.DLT_ATTEMPTS));
    assertEquals("upload.received", Topic.header(record, EventHeaders.EVENT_TYPE));
    assertEquals(
        text(system, "SELECT event_id::text FROM dead_letters WHERE event_key = ?", bomb),
        Topic.header(record, EventHeaders.EVENT_ID));
    assertNotNull(Topic.header(record, EventHeaders.DLT_STACK_TRACE));
    assertNotNull(Topic.header(record, EventHeaders.DLT_ORIGINAL_OFFSET));

    // Kafka delivers the bomb again while its letter is open: still one letter.
    var original =
        Topic.read(
                Topics.UPLOADS,
                rs -> rs.stream().anyMatch(r -> bomb.equals(Topic.key(r))),
                Duration.ofSeconds(30))
            .stream()
            .filter(r -> bomb.equals(Topic.key(r)))
            .findFirst()
            .orElseThrow();
    Topic.write(Topics.UPLOADS, bomb, original.value(), original.headers());
    String after = client.upload(Images.jpeg(100, 100));
    SystemHarness.await(
        "an upload after the redelivery is ready",
        Duration.ofSeconds(60),
        () -> HappyPathTest.ready(client, after));
    Thread.sleep(2_000);
    assertEquals(1, letters(system, "thumbnails", bomb), "not dead-lettered twice");

    SystemHarness.await(
        "stats counts the three dead letters",
        Duration.ofSeconds(60),
        () -> {
          try {
            return client.json("/v1/stats").get("total").get("dead_letters").asLong() == 3;
          } catch (Exception e) {
            return false;
          }
        });
  }

  @Test
  void craftedEventsEachBecomeOneDeadLetterPerJobThatFails() throws Exception {
    SystemHarness system = SystemHarness.get();
    Client client = system.newClient("crafted@example.test");
    UUID account =
        UUID.fromString(
            text(system, "SELECT id::text FROM accounts WHERE email = ?", client.email()));

    // A text file handed to thumbnails as if it were an upload.
    new FileSystemBlobStore(system.dir.resolve("blobs"))
        .putDerived("crafted/notes.txt", "not an image at all".getBytes(StandardCharsets.UTF_8));
    String textUpload = UUID.randomUUID().toString();
    produce(
        textUpload,
        "upload.received",
        """
        {"upload_id":"%s","account_id":"%s","filename":"notes.jpg","content_type":"image/jpeg",
         "size_bytes":19,"sha256":"00","blob_key":"crafted/notes.txt"}"""
            .formatted(textUpload, account)
            .getBytes(StandardCharsets.UTF_8));
    // A type nobody knows.
    String unknown = UUID.randomUUID().toString();
    produce(unknown, "upload.exploded", "{}".getBytes(StandardCharsets.UTF_8));
    // Bytes that are no JSON at all.
    String garbage = UUID.randomUUID().toString();
    produce(garbage, "upload.received", new byte[] {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF, 0x7B});
    String fine = client.upload(Images.jpeg(120, 90));

    SystemHarness.await(
        "the upload after them is ready",
        Duration.ofSeconds(60),
        () -> HappyPathTest.ready(client, fine));
    SystemHarness.await(
        "the letters are written",
        Duration.ofSeconds(60),
        () ->
            letters(system, null, textUpload)
                    + letters(system, null, unknown)
                    + letters(system, null, garbage)
                == 6);
    assertEquals(Map.of("thumbnails", 1L), perJob(system, textUpload));
    assertEquals(Map.of("thumbnails", 1L, "emails", 1L, "stats", 1L), perJob(system, unknown));
    assertEquals(Map.of("thumbnails", 1L, "stats", 1L), perJob(system, garbage));
    assertTrue(
        text(
                system,
                "SELECT message FROM dead_letters WHERE event_key = ? AND job = 'emails'",
                unknown)
            .contains("unknown event type 'upload.exploded'"));
    for (String job : new String[] {"thumbnails", "emails", "stats"}) {
      var records =
          Topic.read(
              Topics.deadLetters(job),
              rs -> rs.stream().anyMatch(r -> unknown.equals(Topic.key(r))),
              Duration.ofSeconds(60));
      assertEquals(
          1, records.stream().filter(r -> unknown.equals(Topic.key(r))).count(), job + ".dlt");
    }
  }

  private static void produce(String key, String type, byte[] value) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(EventHeaders.EVENT_ID, Topic.utf8(UUID.randomUUID().toString()));
    headers.add(EventHeaders.EVENT_TYPE, Topic.utf8(type));
    headers.add(EventHeaders.EVENT_VERSION, Topic.utf8("1"));
    Topic.write(Topics.UPLOADS, key, value, headers);
  }

  private static Map<String, Long> perJob(SystemHarness system, String key) {
    return system.jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT job, count(*) AS n FROM dead_letters WHERE event_key = :key GROUP BY job")
                .bind("key", key)
                .reduceRows(
                    new java.util.HashMap<String, Long>(),
                    (map, row) -> {
                      map.put(row.getColumn("job", String.class), row.getColumn("n", Long.class));
                      return map;
                    }));
  }

  private static long letters(SystemHarness system, String job, String key) {
    return job == null
        ? system.count("SELECT count(*) FROM dead_letters WHERE event_key = ?", key)
        : system.count(
            "SELECT count(*) FROM dead_letters WHERE job = ? AND event_key = ?", job, key);
  }

  private static String fingerprint(SystemHarness system, String key) {
    return text(system, "SELECT fingerprint FROM dead_letters WHERE event_key = ?", key);
  }

  private static String text(SystemHarness system, String sql, String arg) {
    return system.jdbi.withHandle(h -> h.createQuery(sql).bind(0, arg).mapTo(String.class).one());
  }

  private static String status(Client client, String id) {
    try {
      return client.status(id);
    } catch (Exception e) {
      return "unknown";
    }
  }

  /** A PNG of a few hundred bytes whose header claims width × height pixels. */
  static byte[] bombPng(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    chunk(
        out,
        "IHDR",
        ByteBuffer.allocate(13)
            .putInt(width)
            .putInt(height)
            .put((byte) 8)
            .put((byte) 2)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0)
            .array());
    java.util.zip.Deflater deflater = new java.util.zip.Deflater();
    deflater.setInput(new byte[4096]);
    deflater.finish();
    byte[] idat = new byte[8192];
    int length = deflater.deflate(idat);
    chunk(out, "IDAT", Arrays.copyOf(idat, length));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
