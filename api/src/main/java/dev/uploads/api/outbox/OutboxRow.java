package dev.uploads.api.outbox;

import java.time.Instant;
import java.util.UUID;

public record OutboxRow(
    long id,
    String topic,
    String eventKey,
    UUID eventId,
    String eventType,
    int eventVersion,
    Instant occurredAt,
    String traceparent,
    String headers,
    byte[] payload,
    Instant createdAt) {}
