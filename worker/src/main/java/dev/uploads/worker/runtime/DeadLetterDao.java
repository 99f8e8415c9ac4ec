package dev.uploads.worker.runtime;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

public interface DeadLetterDao {
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
  Optional<Long> insert(
      @Bind("job") String job,
      @Bind("eventId") UUID eventId,
      @Bind("key") String key,
      @Bind("type") String type,
      @Bind("payload") byte[] payload,
      @Bind("headers") String headersJson,
      @Bind("topic") String topic,
      @Bind("partition") int partition,
      @Bind("offset") long offset,
      @Bind("timestamp") Instant timestamp,
      @Bind("exceptionClass") String exceptionClass,
      @Bind("message") String message,
      @Bind("stack") String stack,
      @Bind("fingerprint") String fingerprint,
      @Bind("attempts") String attemptsJson,
      @Bind("attemptCount") int attemptCount,
      @Bind("firstFailedAt") Instant firstFailedAt,
      @Bind("lastFailedAt") Instant lastFailedAt,
      @Bind("traceparent") String traceparent);
}
