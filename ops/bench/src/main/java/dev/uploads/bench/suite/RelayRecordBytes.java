package dev.uploads.bench.suite;

import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.EventJson;
import dev.uploads.schema.UploadReceived;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The bytes of one upload.received record as the relay sends it: value, key (an upload id) and the
 * envelope headers (RelayRecords). Kafka's tools send a value alone, so they are given the total,
 * for the same bytes per record on the wire.
 */
final class RelayRecordBytes {
  private RelayRecordBytes() {}

  /** With the given average payload (e.g. what a relay drain's outbox rows held). */
  static int withPayload(double payloadBytes) {
    Map<String, String> headers =
        Map.of(
            EventHeaders.EVENT_ID, UUID.randomUUID().toString(),
            EventHeaders.EVENT_TYPE, UploadReceived.TYPE,
            EventHeaders.EVENT_VERSION, Integer.toString(UploadReceived.VERSION),
            EventHeaders.OCCURRED_AT, Instant.parse("2026-11-23T12:00:00.123456Z").toString(),
            EventHeaders.TRACEPARENT, "00-" + "0".repeat(32) + "-" + "0".repeat(16) + "-01");
    int headerBytes =
        headers.entrySet().stream().mapToInt(e -> utf8(e.getKey()) + utf8(e.getValue())).sum();
    return (int) Math.round(payloadBytes) + utf8(UUID.randomUUID().toString()) + headerBytes;
  }

  /** With a payload like the API writes for a small upload. */
  static int typical() {
    String hex64 = "0123456789abcdef".repeat(4);
    String value =
        EventJson.write(
            new UploadReceived(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "bench-1.jpg",
                "image/jpeg",
                2_500L,
                hex64,
                hex64));
    return withPayload(utf8(value));
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
