package dev.uploads.bench.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.EventJson;
import dev.uploads.schema.UploadReceived;
import dev.uploads.worker.stats.StatsJob;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * A benchmark fixture: stats-job dead letters written straight into {@code dead_letters}, shaped
 * like the ones the worker writes after a transient failure (a valid upload.received payload and
 * the original record's contract headers), so a replay resolves every one of them. Writing them
 * directly rather than making the job fail keeps the benchmark about the replay alone. Each batch
 * has a fingerprint of its own, which is the filter its replay selects by.
 */
final class DeadLetterFixture {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXCEPTION = "org.postgresql.util.PSQLException";

  private DeadLetterFixture() {}

  /** Inserts {@code count} open letters with the given fingerprint, in one transaction. */
  static void insert(Jdbi jdbi, String fingerprint, int count) {
    Instant failedAt = Instant.now();
    String attempts =
        json(
            List.of(
                Map.of(
                    "at",
                    failedAt.toString(),
                    "exception",
                    EXCEPTION,
                    "message",
                    "benchmark fixture: connection reset",
                    "stack",
                    "")));
    jdbi.useTransaction(
        h -> {
          PreparedBatch batch =
              h.prepareBatch(
                  """
                  INSERT INTO dead_letters (job, event_id, event_key, event_type, payload, headers,
                      source_topic, source_partition, source_offset, source_timestamp,
                      consumer_group, exception_class, message, fingerprint, attempts,
                      attempt_count, first_failed_at, last_failed_at)
                  VALUES (:job, :eventId, :key, :type, :payload, CAST(:headers AS jsonb),
                      :topic, :partition, :offset, :failedAt,
                      :job, :exception, :message, :fingerprint, CAST(:attempts AS jsonb),
                      1, :failedAt, :failedAt)
                  """);
          for (int i = 0; i < count; i++) {
            UUID eventId = UUID.randomUUID();
            // account_stats has no foreign key: each letter counts for an account of its own,
            // so the replays never queue on one counter row.
            UploadReceived event =
                new UploadReceived(
                    UUID.randomUUID(),
                    UUID.randomUUID(),
                    "replayed-" + i + ".jpg",
                    "image/jpeg",
                    100_000 + i,
                    "0".repeat(64),
                    "bench/" + eventId);
            String headers =
                json(
                    Map.of(
                        EventHeaders.EVENT_ID, eventId.toString(),
                        EventHeaders.EVENT_TYPE, event.type(),
                        EventHeaders.EVENT_VERSION, Integer.toString(event.version()),
                        EventHeaders.OCCURRED_AT, failedAt.toString()));
            batch
                .bind("job", StatsJob.NAME)
                .bind("eventId", eventId)
                .bind("key", event.key())
                .bind("type", event.type())
                .bind("payload", EventJson.write(event).getBytes(StandardCharsets.UTF_8))
                .bind("headers", headers)
                .bind("topic", event.topic())
                .bind("partition", i % 6)
                .bind("offset", (long) i)
                .bind("failedAt", failedAt)
                .bind("exception", EXCEPTION)
                .bind("message", "benchmark fixture: connection reset")
                .bind("fingerprint", fingerprint)
                .bind("attempts", attempts)
                .add();
          }
          batch.execute();
        });
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
