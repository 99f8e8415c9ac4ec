package dev.uploads.worker.runtime;

import dev.uploads.schema.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One Kafka record as a job sees it. Building it never fails: a record whose headers cannot be read
 * still becomes a delivery (with a null event id or type), so that it can be dead-lettered.
 *
 * <p>{@code traceparent} is the span of the hop handling the delivery now (its record's publish,
 * then its processing, then its dead letter): the events that hop appends are its children. The
 * record's own header stays among {@code headers}.
 */
public record Delivery(
    String topic,
    int partition,
    long offset,
    Instant timestamp,
    String key,
    byte[] value,
    Map<String, String> headers,
    UUID eventId,
    String eventType,
    String traceparent) {

  public static Delivery of(ConsumerRecord<byte[], byte[]> record) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header header : record.headers()) {
      headers.put(
          header.key(),
          header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
    }
    return new Delivery(
        record.topic(),
        record.partition(),
        record.offset(),
        Instant.ofEpochMilli(record.timestamp()),
        record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
        record.value(),
        Map.copyOf(headers),
        parseId(headers.get(EventHeaders.EVENT_ID)),
        headers.get(EventHeaders.EVENT_TYPE),
        headers.get(EventHeaders.TRACEPARENT));
  }

  /** The same delivery, handled now in the span of {@code traceparent}. */
  public Delivery inSpan(String traceparent) {
    return new Delivery(
        topic, partition, offset, timestamp, key, value, headers, eventId, eventType, traceparent);
  }

  private static UUID parseId(String value) {
    try {
      return value == null ? null : UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public String header(String name) {
    return headers.get(name);
  }

  /** When the event happened: its occurred-at header, else the record's timestamp. */
  public Instant occurredAt() {
    try {
      String value = headers.get(EventHeaders.OCCURRED_AT);
      return value == null ? timestamp : Instant.parse(value);
    } catch (RuntimeException e) {
      return timestamp;
    }
  }

  /** The event id, which every job needs before it can apply anything. */
  public UUID requireEventId() throws PermanentFailure {
    if (eventId == null) {
      throw new PermanentFailure("record has no valid " + EventHeaders.EVENT_ID + " header");
    }
    return eventId;
  }
}
