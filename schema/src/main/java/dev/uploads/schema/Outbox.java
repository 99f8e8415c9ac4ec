package dev.uploads.schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * How every writer adds an event to the outbox table, inside its own business transaction. The
 * statement is part of the contract because the relay depends on its columns: the API and the
 * worker bind the same named parameters.
 */
public final class Outbox {
  /**
   * Parameters: topic, key, eventId, type, version, occurredAt, traceparent, headers (JSON text of
   * string values, or null) and payload (the record value's bytes).
   */
  public static final String INSERT =
      "INSERT INTO outbox (topic, event_key, event_id, event_type, event_version, occurred_at,"
          + " traceparent, headers, payload) VALUES (:topic, :key, :eventId, :type, :version,"
          + " :occurredAt, :traceparent, CAST(:headers AS jsonb), :payload)";

  /**
   * Writers in other processes than the relay NOTIFY this channel after committing outbox rows, so
   * the relays (which LISTEN) publish at once instead of at their next poll.
   */
  public static final String CHANNEL = "outbox_committed";

  private Outbox() {}

  /** Adds an event to the outbox in the caller's transaction. */
  public static void append(Handle handle, EventEnvelope event) {
    appendRecord(
        handle,
        event.topic(),
        event.key(),
        event.eventId(),
        event.type(),
        event.version(),
        event.occurredAt(),
        event.traceparent(),
        event.headers(),
        event.payload());
  }

  /**
   * Adds several events in the caller's transaction, in list order, with one round trip: the rows
   * are sent as one JDBC batch of the same statement.
   */
  public static void appendAll(Handle handle, List<EventEnvelope> events) {
    if (events.isEmpty()) {
      return;
    }
    PreparedBatch batch = handle.prepareBatch(INSERT);
    for (EventEnvelope event : events) {
      batch
          .bind("topic", event.topic())
          .bind("key", event.key())
          .bind("eventId", event.eventId())
          .bind("type", event.type())
          .bind("version", event.version())
          .bind("occurredAt", event.occurredAt())
          .bind("traceparent", event.traceparent())
          .bind("headers", event.headers())
          .bind("payload", event.payload())
          .add();
    }
    batch.execute();
    committed(handle);
  }

  /**
   * Adds a record whose value is kept byte for byte, such as a dead letter's original payload.
   * Explicit binding rather than a SqlObject: this runs in every business transaction, and
   * reflective binding cost more CPU than the insert itself.
   */
  public static void appendRecord(
      Handle handle,
      String topic,
      String key,
      UUID eventId,
      String type,
      int version,
      Instant occurredAt,
      String traceparent,
      String headersJson,
      byte[] payload) {
    handle
        .createUpdate(INSERT)
        .bind("topic", topic)
        .bind("key", key)
        .bind("eventId", eventId)
        .bind("type", type)
        .bind("version", version)
        .bind("occurredAt", occurredAt)
        .bind("traceparent", traceparent)
        .bind("headers", headersJson)
        .bind("payload", payload)
        .execute();
    committed(handle);
  }

  /** Tells the process's notifier once the caller's transaction commits. */
  private static void committed(Handle handle) {
    Runnable committed = handle.getConfig(OutboxCommits.class).listener();
    if (committed != null) {
      if (handle.isInTransaction()) {
        handle.afterCommit(committed);
      } else {
        committed.run();
      }
    }
  }
}
