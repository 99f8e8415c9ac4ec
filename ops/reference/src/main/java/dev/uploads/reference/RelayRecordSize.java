package dev.uploads.reference;

import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.EventJson;
import dev.uploads.schema.UploadReceived;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The bytes of one upload.received record as the relay publishes it: JSON value, key (the upload
 * id) and the envelope headers. ProducerPerformance's records are a value alone, so it is given the
 * total, for the same bytes per record on the wire.
 */
public record RelayRecordSize(String reference, int valueBytes, int keyBytes, int headerBytes) {

  public int total() {
    return valueBytes + keyBytes + headerBytes;
  }

  /** Values like those the API writes (as ops/stack's pgbench script fills them). */
  public static RelayRecordSize uploadReceived() {
    UUID uploadId = UUID.randomUUID();
    String hex64 = "0123456789abcdef".repeat(4);
    String value =
        EventJson.write(
            new UploadReceived(
                uploadId, UUID.randomUUID(), "bench.jpg", "image/jpeg", 2_500L, hex64, hex64));
    Map<String, String> headers =
        Map.of(
            EventHeaders.EVENT_ID, UUID.randomUUID().toString(),
            EventHeaders.EVENT_TYPE, UploadReceived.TYPE,
            EventHeaders.EVENT_VERSION, Integer.toString(UploadReceived.VERSION),
            EventHeaders.OCCURRED_AT, Instant.parse("2026-11-23T12:00:00.123456Z").toString(),
            EventHeaders.TRACEPARENT, "00-" + "0".repeat(32) + "-" + "0".repeat(16) + "-01");
    int headerBytes =
        headers.entrySet().stream().mapToInt(e -> utf8(e.getKey()) + utf8(e.getValue())).sum();
    return new RelayRecordSize(
        "relay_record_size", utf8(value), utf8(uploadId.toString()), headerBytes);
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
