package dev.uploads.worker.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.Outbox;
import dev.uploads.schema.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Gives up on an event: one transaction writes the {@code dead_letters} row, the outbox record for
 * {@code <job>.dlt} and whatever the job marks as failed. Nothing is dropped silently.
 */
public final class DeadLetters {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private static final int MAX_HEADER_MESSAGE = 1_000;

  private final Jdbi jdbi;

  public DeadLetters(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Returns the new letter's id, or empty when an unresolved letter already holds the event. */
  public Optional<Long> write(Job job, Delivery delivery, List<Attempt> attempts, Throwable last) {
    Attempt first = attempts.get(0);
    Attempt latest = attempts.get(attempts.size() - 1);
    String fingerprint = Fingerprint.of(last);
    return jdbi.inTransaction(
        h -> {
          Optional<Long> id =
              h.attach(DeadLetterDao.class)
                  .insert(
                      job.name(),
                      delivery.eventId(),
                      delivery.key(),
                      delivery.eventType(),
                      delivery.value(),
                      json(delivery.headers()),
                      delivery.topic(),
                      delivery.partition(),
                      delivery.offset(),
                      delivery.timestamp(),
                      latest.exception(),
                      latest.message(),
                      latest.stack(),
                      fingerprint,
                      json(attempts),
                      attempts.size(),
                      first.at(),
                      latest.at());
          if (id.isEmpty()) {
            return id;
          }
          Map<String, String> headers = new LinkedHashMap<>(delivery.headers());
          headers.put(EventHeaders.DLT_ORIGINAL_TOPIC, delivery.topic());
          headers.put(EventHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(delivery.partition()));
          headers.put(EventHeaders.DLT_ORIGINAL_OFFSET, Long.toString(delivery.offset()));
          headers.put(EventHeaders.DLT_ORIGINAL_TIMESTAMP, delivery.timestamp().toString());
          headers.put(EventHeaders.DLT_CONSUMER_GROUP, job.name());
          headers.put(EventHeaders.DLT_EXCEPTION_CLASS, latest.exception());
          headers.put(EventHeaders.DLT_EXCEPTION_MESSAGE, bounded(latest.message()));
          headers.put(EventHeaders.DLT_STACK_TRACE, latest.stack());
          headers.put(EventHeaders.DLT_ATTEMPTS, Integer.toString(attempts.size()));
          headers.put(EventHeaders.DLT_FIRST_FAILURE, first.at().toString());
          headers.put(EventHeaders.DLT_LAST_FAILURE, latest.at().toString());
          headers.put(EventHeaders.DLT_FINGERPRINT, fingerprint);
          headers.put(EventHeaders.DLT_LETTER_ID, Long.toString(id.get()));
          // Kafka headers of the contract are set by the relay from the outbox columns.
          headers.remove(EventHeaders.EVENT_ID);
          headers.remove(EventHeaders.EVENT_TYPE);
          headers.remove(EventHeaders.EVENT_VERSION);
          headers.remove(EventHeaders.TRACEPARENT);
          headers.remove(EventHeaders.OCCURRED_AT);
          Outbox.appendRecord(
              h,
              Topics.deadLetters(job.name()),
              delivery.key() == null ? "unkeyed" : delivery.key(),
              delivery.eventId() == null ? UUID.randomUUID() : delivery.eventId(),
              delivery.eventType() == null ? "unknown" : delivery.eventType(),
              version(delivery),
              delivery.occurredAt(),
              delivery.header(EventHeaders.TRACEPARENT),
              json(headers),
              delivery.value() == null ? new byte[0] : delivery.value());
          job.gaveUp(h, delivery);
          return id;
        });
  }

  private static int version(Delivery delivery) {
    try {
      return Integer.parseInt(delivery.header(EventHeaders.EVENT_VERSION));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static String bounded(String message) {
    if (message == null) {
      return "";
    }
    return message.length() <= MAX_HEADER_MESSAGE
        ? message
        : message.substring(0, MAX_HEADER_MESSAGE);
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
