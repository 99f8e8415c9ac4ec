package dev.uploads.bench.jobs;

import dev.uploads.bench.kit.Cpu;
import dev.uploads.ops.deadletters.ActionRequest;
import dev.uploads.ops.deadletters.Actions;
import dev.uploads.ops.deadletters.LetterFilter;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.Topics;
import dev.uploads.schema.UploadReceived;
import dev.uploads.worker.stats.StatsJob;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * One dead-letter replay on the running local stack, timed from {@link Actions#start} until every
 * letter it took is {@code resolved}: the operator library sends each letter to {@code
 * stats.redrive} through the outbox, the API's relay publishes it, the worker's stats job applies
 * it and resolves the letter. The database says where the letters are every 100 ms. {@code actions}
 * sends over the pool it was given: the API's kind (the admin endpoints) or ops/dead-letters' own.
 * Afterwards every letter must be resolved, recorded as resolved on the action, and counted once in
 * account_stats.
 */
public final class ReplayPhase {
  private static final long POLL_MS = 100;

  private ReplayPhase() {}

  public record Run(
      int letters,
      Double rate,
      long resolved,
      long stillReplaying,
      long reopened,
      long outcomesResolved,
      long counted,
      Double sentSeconds,
      double resolvedSeconds,
      double perSecond,
      Cpu.Use cpu) {

    /** What is wrong with the run, or null when every letter went through exactly once. */
    public String problem() {
      if (resolved != letters) {
        return String.format(
            "INCOMPLETE after %.0f s: %d resolved, %d still replaying, %d open or parked again",
            resolvedSeconds, resolved, stillReplaying, reopened);
      }
      if (outcomesResolved != letters || counted != letters) {
        return String.format(
            "MISMATCH: %d action items resolved and %d uploads counted, not %d",
            outcomesResolved, counted, letters);
      }
      return null;
    }
  }

  private record Where(long resolved, long replaying, long waiting) {}

  public static Run run(
      Jdbi jdbi, Actions actions, Cpu cpu, String name, int letters, Double rate, Duration timeout)
      throws Exception {
    String fingerprint = "bench-replay-" + name + "-" + UUID.randomUUID();
    insertLetters(jdbi, fingerprint, letters);
    // A replayed letter is counted once.
    long countedBefore = BenchInfra.count(jdbi, StatsPhase.COUNTED);
    ActionRequest request =
        new ActionRequest(
            ActionRequest.Kind.REPLAY,
            LetterFilter.parse(
                null, StatsJob.NAME, null, fingerprint, null, null, null, null, null),
            "benchmark: ops/bench-suite replay " + name,
            false,
            rate,
            letters);
    ExecutorService sending = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-sender"));
    Cpu.Sample cpuBefore = cpu.sample();
    long t0 = System.nanoTime();
    try {
      long actionId = actions.start(request, "bench-replay", "cli").id();
      Future<Long> sent =
          sending.submit(
              () -> {
                actions.run(actionId, progress -> {});
                return System.nanoTime();
              });
      long deadline = t0 + timeout.toNanos();
      Where where = where(jdbi, fingerprint);
      while (System.nanoTime() < deadline) {
        where = where(jdbi, fingerprint);
        if (sent.isDone()) {
          sent.get(); // a sender that failed fails the phase here, with its own error
        }
        if (where.resolved() == letters || (sent.isDone() && where.replaying() == 0)) {
          break;
        }
        Thread.sleep(POLL_MS);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      Cpu.Use use = Cpu.between(cpuBefore, cpu.sample());
      long outcomes =
          jdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT count(*) FROM dead_letter_action_items"
                              + " WHERE action_id = :action AND outcome = 'resolved'")
                      .bind("action", actionId)
                      .mapTo(Long.class)
                      .one());
      return new Run(
          letters,
          rate,
          where.resolved(),
          where.replaying(),
          where.waiting(),
          outcomes,
          BenchInfra.count(jdbi, StatsPhase.COUNTED) - countedBefore,
          sent.isDone() ? (sent.get() - t0) / 1e9 : null,
          seconds,
          where.resolved() / seconds,
          use);
    } finally {
      // A sender still running after the time box is stopped with the stack.
      sending.shutdownNow();
      sending.awaitTermination(1, TimeUnit.SECONDS);
    }
  }

  /**
   * The fixture: stats-job dead letters written straight into {@code dead_letters}, shaped like the
   * ones the worker writes after a transient failure (a valid upload.received payload and the
   * original record's contract headers), so a replay resolves every one; writing them directly
   * keeps the benchmark about the replay alone. Each letter counts for an account of its own, so
   * the replays never queue on one counter row.
   */
  private static void insertLetters(Jdbi jdbi, String fingerprint, int count) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
                    INSERT INTO dead_letters (job, event_id, event_key, event_type, payload,
                        headers, source_topic, source_partition, source_offset, source_timestamp,
                        consumer_group, exception_class, message, fingerprint, attempts,
                        attempt_count, first_failed_at, last_failed_at)
                    SELECT :job, e, u::text, :type,
                        convert_to(json_build_object('upload_id', u, 'account_id', a,
                            'filename', 'replayed-' || g || '.jpg', 'content_type', 'image/jpeg',
                            'size_bytes', 100000 + g, 'sha256', repeat('0', 64),
                            'blob_key', 'bench/' || e)::text, 'UTF8'),
                        jsonb_build_object(CAST(:idHeader AS text), e::text, CAST(:typeHeader AS text),
                            CAST(:type AS text), CAST(:versionHeader AS text), CAST(:version AS text),
                            CAST(:occurredHeader AS text), CAST(:at AS text)),
                        :topic, g % 6, g, :failedAt, :job, :exception, :message, :fingerprint,
                        jsonb_build_array(jsonb_build_object('at', CAST(:at AS text),
                            'exception', CAST(:exception AS text), 'message', CAST(:message AS text),
                            'stack', '')),
                        1, :failedAt, :failedAt
                    FROM (SELECT g, gen_random_uuid() AS e, gen_random_uuid() AS u,
                                 gen_random_uuid() AS a
                          FROM generate_series(1, :count) AS g) AS letters
                    """)
                .bind("job", StatsJob.NAME)
                .bind("type", UploadReceived.TYPE)
                .bind("version", Integer.toString(UploadReceived.VERSION))
                .bind("idHeader", EventHeaders.EVENT_ID)
                .bind("typeHeader", EventHeaders.EVENT_TYPE)
                .bind("versionHeader", EventHeaders.EVENT_VERSION)
                .bind("occurredHeader", EventHeaders.OCCURRED_AT)
                .bind("at", Instant.now().toString())
                .bind("failedAt", Instant.now())
                .bind("topic", Topics.UPLOADS)
                .bind("exception", "org.postgresql.util.PSQLException")
                .bind("message", "benchmark fixture: connection reset")
                .bind("fingerprint", fingerprint)
                .bind("count", count)
                .execute());
  }

  private static Where where(Jdbi jdbi, String fingerprint) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT count(*) FILTER (WHERE status = 'resolved'),
                           count(*) FILTER (WHERE status = 'replaying'),
                           count(*) FILTER (WHERE status IN ('open', 'parked'))
                    FROM dead_letters WHERE fingerprint = :fingerprint
                    """)
                .bind("fingerprint", fingerprint)
                .map((rs, ctx) -> new Where(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .one());
  }
}
