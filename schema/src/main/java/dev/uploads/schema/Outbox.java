package dev.uploads.schema;

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

  private Outbox() {}
}
