package dev.uploads.api.outbox;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** The outbox table as the relay drains it (writers use {@link dev.uploads.schema.Outbox}). */
public interface OutboxDao {
  /**
   * The oldest rows of the given shards; id order is commit order within a key. Bound and mapped
   * explicitly, like the delete below: the relay runs both many times a second, and SqlObject's
   * per-call extension lookup and config copies cost more CPU than the statements.
   */
  static List<OutboxRow> oldest(Handle h, short[] shards, int limit) {
    return h.createQuery(
            """
            SELECT id, topic, event_key, event_id, event_type, event_version, occurred_at,
                   traceparent, headers::text AS headers, payload, created_at
            FROM outbox WHERE shard = ANY(:shards) ORDER BY id LIMIT :limit
            """)
        .bind("shards", shards)
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new OutboxRow(
                    rs.getLong("id"),
                    rs.getString("topic"),
                    rs.getString("event_key"),
                    rs.getObject("event_id", UUID.class),
                    rs.getString("event_type"),
                    rs.getInt("event_version"),
                    rs.getTimestamp("occurred_at").toInstant(),
                    rs.getString("traceparent"),
                    rs.getString("headers"),
                    rs.getBytes("payload"),
                    rs.getTimestamp("created_at").toInstant()))
        .list();
  }

  /**
   * Deletes the given rows of the shards whose lease {@code relay} still holds in the database; the
   * rows of a shard it lost meanwhile stay for their new owner. Returns how many rows went.
   */
  static int deleteHeld(Handle h, long[] ids, String relay) {
    return h.createUpdate(
            """
            DELETE FROM outbox WHERE id = ANY(:ids)
              AND shard IN (SELECT shard FROM relay_shards WHERE owner = :relay
                                                             AND lease_until > now())
            """)
        .bind("ids", ids)
        .bind("relay", relay)
        .execute();
  }

  /** Planner estimate: exact counts of a large queue table cost a full scan. */
  @SqlQuery(
      """
      SELECT GREATEST(n_live_tup, 0) FROM pg_stat_user_tables WHERE relname = 'outbox'
      """)
  long estimatedDepth();

  @SqlQuery("SELECT count(*) FROM outbox")
  long depth();

  @SqlQuery(
      """
      SELECT EXTRACT(EPOCH FROM clock_timestamp() - created_at) FROM outbox ORDER BY id LIMIT 1
      """)
  Optional<Double> oldestAgeSeconds();
}
