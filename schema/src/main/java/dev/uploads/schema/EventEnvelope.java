package dev.uploads.schema;

import java.time.Instant;
import java.util.UUID;

/**
 * An event as it travels: identity, type, version, key, time, trace context and the JSON payload.
 * On Kafka the envelope fields are headers and the payload is the record value; in the outbox they
 * are columns.
 */
public record EventEnvelope(
    UUID eventId,
    String topic,
    String type,
    int version,
    String key,
    Instant occurredAt,
    String traceparent,
    String payloadJson) {

  /** Wraps an event for the outbox with a fresh event id. */
  public static EventEnvelope of(Event event, Instant occurredAt, String traceparent) {
    return new EventEnvelope(
        UUID.randomUUID(),
        event.topic(),
        event.type(),
        event.version(),
        event.key(),
        occurredAt,
        traceparent,
        EventJson.write(event));
  }

  /** The record value as the outbox stores it. */
  public byte[] payload() {
    return payloadJson.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Plain events carry no extra headers. */
  public String headers() {
    return null;
  }
}
