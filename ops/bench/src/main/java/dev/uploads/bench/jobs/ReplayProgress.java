package dev.uploads.bench.jobs;

import dev.uploads.schema.Topics;
import dev.uploads.worker.stats.StatsJob;
import org.jdbi.v3.core.Jdbi;

/**
 * Where one replay's letters are, as the database says: sent by the action, still in the outbox
 * (waiting for the relay), resolved, and in between those on Kafka or in the worker. Each sample is
 * one statement, so one snapshot; the average and the most of each waiting place are kept, so the
 * report shows where letters queued.
 */
final class ReplayProgress {
  record Sample(long sent, long unpublished, long resolved, long replaying, long waiting) {
    long atWorker() {
      return sent - unpublished - resolved;
    }
  }

  private final Jdbi jdbi;
  private final long actionId;
  private final String fingerprint;
  private int samples;
  private double sumUnpublished;
  private double sumAtWorker;
  private long mostUnpublished;
  private long mostAtWorker;

  ReplayProgress(Jdbi jdbi, long actionId, String fingerprint) {
    this.jdbi = jdbi;
    this.actionId = actionId;
    this.fingerprint = fingerprint;
  }

  Sample sample() {
    Sample sample =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        """
                        SELECT (SELECT done FROM dead_letter_actions WHERE id = :action) AS sent,
                               (SELECT count(*) FROM outbox WHERE topic = :topic) AS unpublished,
                               count(*) FILTER (WHERE status = 'resolved') AS resolved,
                               count(*) FILTER (WHERE status = 'replaying') AS replaying,
                               count(*) FILTER (WHERE status IN ('open', 'parked')) AS waiting
                        FROM dead_letters WHERE fingerprint = :fingerprint
                        """)
                    .bind("action", actionId)
                    .bind("topic", Topics.redrive(StatsJob.NAME))
                    .bind("fingerprint", fingerprint)
                    .map(
                        (rs, ctx) ->
                            new Sample(
                                rs.getLong("sent"),
                                rs.getLong("unpublished"),
                                rs.getLong("resolved"),
                                rs.getLong("replaying"),
                                rs.getLong("waiting")))
                    .one());
    samples++;
    sumUnpublished += sample.unpublished();
    sumAtWorker += sample.atWorker();
    mostUnpublished = Math.max(mostUnpublished, sample.unpublished());
    mostAtWorker = Math.max(mostAtWorker, sample.atWorker());
    return sample;
  }

  double averageUnpublished() {
    return Math.round(sumUnpublished / Math.max(1, samples) * 10) / 10.0;
  }

  long mostUnpublished() {
    return mostUnpublished;
  }

  double averageAtWorker() {
    return Math.round(sumAtWorker / Math.max(1, samples) * 10) / 10.0;
  }

  long mostAtWorker() {
    return mostAtWorker;
  }

  /**
   * Start to completion and start to the last letter resolved on PostgreSQL's clock, without the
   * polling interval: from the action's row to its finish, and to the last letter's {@code
   * closed_at}. Null for what has not happened.
   */
  Double[] dbClock() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT extract(epoch FROM a.finished_at - a.created_at)::float8 AS sent,
                           extract(epoch FROM (SELECT max(closed_at) FROM dead_letters
                                               WHERE fingerprint = :fingerprint)
                                              - a.created_at)::float8 AS resolved
                    FROM dead_letter_actions a WHERE a.id = :action
                    """)
                .bind("action", actionId)
                .bind("fingerprint", fingerprint)
                .map(
                    (rs, ctx) ->
                        new Double[] {
                          rs.getObject("sent", Double.class), rs.getObject("resolved", Double.class)
                        })
                .one());
  }

  /** Letters whose action item the worker marked resolved. */
  long resolvedOutcomes() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT count(*) FROM dead_letter_action_items"
                        + " WHERE action_id = :action AND outcome = 'resolved'")
                .bind("action", actionId)
                .mapTo(Long.class)
                .one());
  }

  /** Uploads the stats job has counted in all; a replayed letter counts once. */
  static long uploadsCounted(Jdbi jdbi) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT coalesce(sum(uploads_received), 0) FROM account_stats")
                .mapTo(Long.class)
                .one());
  }
}
