package dev.uploads.worker.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.LetterOutcome;
import dev.uploads.schema.LetterStatus;
import dev.uploads.schema.Outbox;
import dev.uploads.schema.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Gives up on an event: one transaction writes the {@code dead_letters} row, the outbox record for
 * {@code <job>.dlt} and whatever the job marks as failed. Nothing is dropped silently. The
 * delivery's {@code traceparent} is the dead letter's span: the letter keeps it (a replay continues
 * from it) and the records written here are its children.
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
    return jdbi.inTransaction(h -> insert(h, job, delivery, attempts, last));
  }

  private Optional<Long> insert(
      Handle h, Job job, Delivery delivery, List<Attempt> attempts, Throwable last) {
    Attempt first = attempts.get(0);
    Attempt latest = attempts.get(attempts.size() - 1);
    String fingerprint = Fingerprint.of(last);
    Optional<Long> id =
        h.attach(DeadLetterDao.class)
            .insert(
                new DeadLetterDao.Source(
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
                    first.at(),
                    delivery.traceparent()),
                failure(attempts, fingerprint));
    if (id.isPresent()) {
      announce(h, job, delivery, id.get(), attempts.size(), first, latest, fingerprint);
      job.gaveUp(h, delivery, last);
    }
    return id;
  }

  /** What became of a letter whose operator replay failed again. */
  public enum ReplayFailure {
    /** Back to open, the new attempts appended to its history. */
    REOPENED,
    /** Failed on its last allowed replay: only an explicit override replays it again. */
    PARKED,
    /** No letter was waiting for this replay; a new one holds the event (or an open one did). */
    NEW_LETTER
  }

  /**
   * A replayed event failed again: its letter returns to open (or is parked after {@code
   * parkAfterReplays} replays) with the new attempts appended, and {@code <job>.dlt} hears of it
   * again, all in one transaction.
   */
  public ReplayFailure replayFailed(
      Job job, Delivery delivery, List<Attempt> attempts, Throwable last, int parkAfterReplays) {
    String fingerprint = Fingerprint.of(last);
    Attempt latest = attempts.get(attempts.size() - 1);
    return jdbi.inTransaction(
        h -> {
          DeadLetterDao letters = h.attach(DeadLetterDao.class);
          Optional<DeadLetterDao.Replaying> letter =
              delivery.eventId() == null
                  ? Optional.empty()
                  : letters.replaying(
                      job.name(), delivery.eventId(), LetterStatus.REPLAYING.label());
          if (letter.isEmpty()) {
            insert(h, job, delivery, attempts, last);
            return ReplayFailure.NEW_LETTER;
          }
          DeadLetterDao.Replaying replaying = letter.get();
          LetterStatus next =
              LetterStatus.afterFailedReplay(replaying.replayCount(), parkAfterReplays);
          int attemptCount = replaying.attemptCount() + attempts.size();
          letters.failedAgain(
              replaying.id(), next.label(), failure(attempts, fingerprint), delivery.traceparent());
          letters.settle(
              replaying.id(),
              replaying.replayCount(),
              LetterOutcome.ofFailedReplay(next).label(),
              LetterOutcome.SENT.label());
          Attempt first =
              new Attempt(
                  replaying.firstFailedAt(), latest.exception(), latest.message(), latest.stack());
          announce(h, job, delivery, replaying.id(), attemptCount, first, latest, fingerprint);
          job.gaveUp(h, delivery, last);
          return next == LetterStatus.PARKED ? ReplayFailure.PARKED : ReplayFailure.REOPENED;
        });
  }

  /**
   * The failure to record: the latest attempt's exception and the given attempts (all of them for a
   * new letter, the new ones for a failed replay).
   */
  private static DeadLetterDao.Failure failure(List<Attempt> attempts, String fingerprint) {
    Attempt latest = attempts.get(attempts.size() - 1);
    return new DeadLetterDao.Failure(
        latest.exception(),
        latest.message(),
        latest.stack(),
        fingerprint,
        json(attempts),
        attempts.size(),
        latest.at());
  }

  /**
   * A replayed event went through: its letter is resolved and the replay's record says so. False
   * when no letter was waiting (a redelivery of a replay already resolved).
   */
  public boolean resolveReplay(Job job, UUID eventId) {
    return jdbi.inTransaction(
        h -> {
          DeadLetterDao letters = h.attach(DeadLetterDao.class);
          Optional<DeadLetterDao.Replaying> letter =
              letters.replaying(job.name(), eventId, LetterStatus.REPLAYING.label());
          letter.ifPresent(
              l -> {
                letters.resolve(l.id(), LetterStatus.RESOLVED.label());
                letters.settle(
                    l.id(),
                    l.replayCount(),
                    LetterOutcome.RESOLVED.label(),
                    LetterOutcome.SENT.label());
              });
          return letter.isPresent();
        });
  }

  /** The {@code <job>.dlt} record, through the outbox, in the letter's transaction. */
  private static void announce(
      Handle h,
      Job job,
      Delivery delivery,
      long letterId,
      int attemptCount,
      Attempt first,
      Attempt latest,
      String fingerprint) {
    Map<String, String> headers = new LinkedHashMap<>(delivery.headers());
    headers.put(EventHeaders.DLT_ORIGINAL_TOPIC, delivery.topic());
    headers.put(EventHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(delivery.partition()));
    headers.put(EventHeaders.DLT_ORIGINAL_OFFSET, Long.toString(delivery.offset()));
    headers.put(EventHeaders.DLT_ORIGINAL_TIMESTAMP, delivery.timestamp().toString());
    headers.put(EventHeaders.DLT_CONSUMER_GROUP, job.name());
    headers.put(EventHeaders.DLT_EXCEPTION_CLASS, latest.exception());
    headers.put(EventHeaders.DLT_EXCEPTION_MESSAGE, bounded(latest.message()));
    headers.put(EventHeaders.DLT_STACK_TRACE, latest.stack());
    headers.put(EventHeaders.DLT_ATTEMPTS, Integer.toString(attemptCount));
    headers.put(EventHeaders.DLT_FIRST_FAILURE, first.at().toString());
    headers.put(EventHeaders.DLT_LAST_FAILURE, latest.at().toString());
    headers.put(EventHeaders.DLT_FINGERPRINT, fingerprint);
    headers.put(EventHeaders.DLT_LETTER_ID, Long.toString(letterId));
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
        delivery.traceparent(),
        json(headers),
        delivery.value() == null ? new byte[0] : delivery.value());
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
