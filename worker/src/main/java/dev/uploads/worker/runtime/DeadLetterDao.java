package dev.uploads.worker.runtime;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The worker's side of {@code dead_letters}: recording letters and settling their replays. */
@RegisterConstructorMapper(DeadLetterDao.Replaying.class)
public interface DeadLetterDao {
  /** Where a letter's record came from: its event and its place in Kafka. */
  record Source(
      String job,
      UUID eventId,
      String key,
      String type,
      byte[] payload,
      String headers,
      String topic,
      int partition,
      long offset,
      Instant timestamp,
      Instant firstFailedAt,
      String traceparent) {}

  /** The latest failure of a letter's event and the attempts that led to it (as JSON). */
  record Failure(
      String exceptionClass,
      String message,
      String stack,
      String fingerprint,
      String attempts,
      int attemptCount,
      Instant lastFailedAt) {}

  /** Empty when the event already has an unresolved letter for this job. */
  @SqlQuery(
      """
      INSERT INTO dead_letters (job, event_id, event_key, event_type, payload, headers,
          source_topic, source_partition, source_offset, source_timestamp, consumer_group,
          exception_class, message, stack_trace, fingerprint, attempts, attempt_count,
          first_failed_at, last_failed_at, traceparent)
      VALUES (:job, :eventId, :key, :type, :payload, CAST(:headers AS jsonb),
          :topic, :partition, :offset, :timestamp, :job,
          :exceptionClass, :message, :stack, :fingerprint, CAST(:attempts AS jsonb), :attemptCount,
          :firstFailedAt, :lastFailedAt, :traceparent)
      ON CONFLICT DO NOTHING
      RETURNING id
      """)
  Optional<Long> insert(@BindMethods Source source, @BindMethods Failure failure);

  /** The letter a replay of this event sent, locked until the transaction settles it. */
  record Replaying(long id, int replayCount, int attemptCount, Instant firstFailedAt) {}

  @SqlQuery(
      """
      SELECT id, replay_count, attempt_count, first_failed_at FROM dead_letters
      WHERE job = :job AND event_id = :eventId AND status = :replaying
      FOR UPDATE
      """)
  Optional<Replaying> replaying(
      @Bind("job") String job, @Bind("eventId") UUID eventId, @Bind("replaying") String replaying);

  /** A replay failed again: the letter takes the new attempts and goes back to open or parked. */
  @SqlUpdate(
      """
      UPDATE dead_letters SET status = :status,
          attempts = attempts || CAST(:attempts AS jsonb),
          attempt_count = attempt_count + :attemptCount,
          exception_class = :exceptionClass, message = :message, stack_trace = :stack,
          fingerprint = :fingerprint, last_failed_at = :lastFailedAt, traceparent = :traceparent,
          updated_at = now()
      WHERE id = :id
      """)
  void failedAgain(
      @Bind("id") long id,
      @Bind("status") String status,
      @BindMethods Failure failure,
      @Bind("traceparent") String traceparent);

  @SqlUpdate(
      "UPDATE dead_letters SET status = :resolved, closed_at = now(), updated_at = now()"
          + " WHERE id = :id")
  void resolve(@Bind("id") long id, @Bind("resolved") String resolved);

  /** What the replay's record of this letter says now that the worker has settled it. */
  @SqlUpdate(
      """
      UPDATE dead_letter_action_items SET outcome = :outcome
      WHERE letter_id = :letterId AND generation = :generation AND outcome = :sent
      """)
  void settle(
      @Bind("letterId") long letterId,
      @Bind("generation") int generation,
      @Bind("outcome") String outcome,
      @Bind("sent") String sent);
}
