package dev.uploads.api.relay;

import java.util.List;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Leases of outbox shards to relay instances (tables relay_instances and relay_shards). */
public interface ShardLeaseDao {
  @SqlUpdate(
      """
      INSERT INTO relay_instances (instance_id, heartbeat_at) VALUES (:me, now())
      ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now()
      """)
  void heartbeat(@Bind("me") String me);

  @SqlUpdate(
      "DELETE FROM relay_instances WHERE heartbeat_at < now() - make_interval(secs => :secs)")
  void forgetSilentInstances(@Bind("secs") double leaseSeconds);

  @SqlQuery("SELECT count(*) FROM relay_instances")
  int liveInstances();

  @SqlQuery("SELECT count(*) FROM relay_shards")
  int shardCount();

  /** Extends every lease this instance still holds (nobody else took it meanwhile). */
  @SqlQuery(
      """
      UPDATE relay_shards SET lease_until = now() + make_interval(secs => :secs)
      WHERE owner = :me RETURNING shard
      """)
  List<Short> renew(@Bind("me") String me, @Bind("secs") double leaseSeconds);

  /** Takes up to {@code count} shards that are free or whose owner stopped renewing. */
  @SqlQuery(
      """
      UPDATE relay_shards SET owner = :me, lease_until = now() + make_interval(secs => :secs)
      WHERE shard IN (SELECT shard FROM relay_shards
                      WHERE owner IS NULL OR lease_until < now()
                      ORDER BY shard LIMIT :count FOR UPDATE SKIP LOCKED)
      RETURNING shard
      """)
  List<Short> claim(
      @Bind("me") String me, @Bind("secs") double leaseSeconds, @Bind("count") int count);

  @SqlUpdate(
      """
      UPDATE relay_shards SET owner = NULL, lease_until = NULL
      WHERE owner = :me AND shard = ANY(:shards)
      """)
  void release(@Bind("me") String me, @Bind("shards") short[] shards);

  @SqlUpdate("UPDATE relay_shards SET owner = NULL, lease_until = NULL WHERE owner = :me")
  void releaseAll(@Bind("me") String me);

  @SqlUpdate("DELETE FROM relay_instances WHERE instance_id = :me")
  void leave(@Bind("me") String me);
}
