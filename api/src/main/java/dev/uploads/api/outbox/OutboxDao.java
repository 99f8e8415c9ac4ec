package dev.uploads.api.outbox;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The outbox table as the relay drains it (writers use {@link dev.uploads.schema.Outbox}). */
@RegisterConstructorMapper(OutboxRow.class)
public interface OutboxDao {
  /** The oldest rows of the given shards; id order is commit order within a key. */
  @SqlQuery(
      """
      SELECT id, topic, event_key, event_id, event_type, event_version, occurred_at, traceparent,
             headers::text AS headers, payload, created_at
      FROM outbox WHERE shard = ANY(:shards) ORDER BY id LIMIT :limit
      """)
  List<OutboxRow> oldest(@Bind("shards") short[] shards, @Bind("limit") int limit);

  /**
   * Deletes the given rows of the shards whose lease {@code relay} still holds in the database; the
   * rows of a shard it lost meanwhile stay for their new owner. Returns how many rows went.
   */
  @SqlUpdate(
      """
      DELETE FROM outbox WHERE id = ANY(:ids)
        AND shard IN (SELECT shard FROM relay_shards WHERE owner = :relay AND lease_until > now())
      """)
  int deleteHeld(@Bind("ids") long[] ids, @Bind("relay") String relay);

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
