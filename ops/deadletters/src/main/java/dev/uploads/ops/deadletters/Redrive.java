package dev.uploads.ops.deadletters;

import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.Outbox;
import dev.uploads.schema.Topics;
import dev.uploads.schema.trace.Hop;
import dev.uploads.schema.trace.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a letter's original record again, to {@code <job>.redrive} through the outbox, in the
 * transaction of the letter's turn: same payload and event id, a new generation, and a span that
 * continues the letter's trace.
 */
final class Redrive {
  private static final Logger LOG = LoggerFactory.getLogger(Redrive.class);
  private final Tracing tracing;

  Redrive(Tracing tracing) {
    this.tracing = tracing;
  }

  /**
   * The replay's span: a child of the letter's (the dead letter's span, itself a child of the
   * failed attempt), so that the redriven processing continues the upload's trace.
   */
  void send(Handle h, Letter letter, int generation, long action) {
    Map<String, String> original = Letters.headers(letter.headers());
    String parent =
        letter.traceparent() != null
            ? letter.traceparent()
            : original.get(EventHeaders.TRACEPARENT);
    String job = letter.job();
    try (Hop replay = tracing.hop("replay " + job, SpanKind.INTERNAL, parent)) {
      replay
          .attribute("uploads.job", job)
          .attribute("uploads.dead_letter.id", letter.id())
          .attribute("uploads.replay.action_id", action)
          .attribute("uploads.replay.generation", generation)
          .attribute("messaging.message.id", String.valueOf(letter.eventId()));
      redrive(h, letter, original, generation, action, replay.traceparent());
      LOG.debug(
          "replaying letter {} (job {}, event {}, key {}): generation {} of action {}",
          letter.id(),
          job,
          letter.eventId(),
          letter.eventKey(),
          generation,
          action);
    }
  }

  /** The original record again, for the failed job only, with its event id and a generation. */
  private static void redrive(
      Handle h,
      Letter letter,
      Map<String, String> original,
      int generation,
      long action,
      String traceparent) {
    Map<String, String> headers = new LinkedHashMap<>();
    original.forEach(
        (name, value) -> {
          if (!name.startsWith("dlt-") && !name.startsWith("replay-")) {
            headers.put(name, value);
          }
        });
    // The relay writes these from the outbox columns.
    for (String contract :
        List.of(
            EventHeaders.EVENT_ID,
            EventHeaders.EVENT_TYPE,
            EventHeaders.EVENT_VERSION,
            EventHeaders.TRACEPARENT,
            EventHeaders.OCCURRED_AT)) {
      headers.remove(contract);
    }
    headers.put(EventHeaders.REPLAY_GENERATION, Integer.toString(generation));
    headers.put(EventHeaders.REPLAY_ACTION, Long.toString(action));
    headers.put(EventHeaders.DLT_LETTER_ID, Long.toString(letter.id()));
    Instant occurredAt;
    try {
      occurredAt = Instant.parse(original.get(EventHeaders.OCCURRED_AT));
    } catch (RuntimeException e) {
      occurredAt = letter.sourceTimestamp() == null ? Instant.now() : letter.sourceTimestamp();
    }
    int version;
    try {
      version = Integer.parseInt(original.get(EventHeaders.EVENT_VERSION));
    } catch (RuntimeException e) {
      version = 1;
    }
    byte[] payload = letter.payload();
    Outbox.appendRecord(
        h,
        Topics.redrive(letter.job()),
        letter.eventKey() == null ? "unkeyed" : letter.eventKey(),
        letter.eventId(),
        letter.eventType(),
        version,
        occurredAt,
        traceparent,
        Json.write(headers),
        payload == null ? new byte[0] : payload);
  }

  /**
   * A letter as a replay or discard takes it, locked for the letter's transaction. Public, as
   * JDBI's constructor mapper needs it to be.
   */
  public record Letter(
      long id,
      String job,
      String status,
      UUID eventId,
      String eventKey,
      String eventType,
      byte[] payload,
      String headers,
      Instant sourceTimestamp,
      int replayCount,
      String traceparent) {}
}
