package dev.uploads.api.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * This instance's share of the outbox shards. Every live instance holds about shards/instances
 * leases; an instance that stops renewing loses its shards when its lease runs out, and a clean
 * stop hands them over at once. Only the holder of a shard's lease publishes its rows, which is
 * what keeps per-key order with several relays running.
 */
final class ShardLeases {
  private final Jdbi jdbi;
  private final String me;
  private final double leaseSeconds;
  private final long safetyNanos;
  private short[] owned = new short[0];
  private long validUntilNanos;

  ShardLeases(Jdbi jdbi, String me, Duration lease) {
    this.jdbi = jdbi;
    this.me = me;
    this.leaseSeconds = lease.toMillis() / 1000.0;
    // Stop publishing a shard a little before the database would let another instance take it.
    this.safetyNanos = lease.toNanos() / 5;
    this.validUntilNanos = System.nanoTime();
  }

  /** The shards this instance may publish now; empty once the leases lapsed. */
  short[] owned() {
    return held() ? owned : new short[0];
  }

  /**
   * Whether the leases of the last refresh still hold by this instance's own clock (a monotonic
   * one, which runs on while the process is paused or frozen). Checked again before each send, so
   * that a relay that stalled between reading rows and sending them does not send them after
   * another instance took the shards over.
   */
  boolean held() {
    return System.nanoTime() - validUntilNanos < 0;
  }

  String instance() {
    return me;
  }

  /** One heartbeat: renew, then give back extras or claim up to a fair share. */
  void refresh() {
    long started = System.nanoTime();
    owned =
        jdbi.inTransaction(
            h -> {
              ShardLeaseDao dao = h.attach(ShardLeaseDao.class);
              dao.heartbeat(me);
              dao.forgetSilentInstances(leaseSeconds);
              int share = (dao.shardCount() + dao.liveInstances() - 1) / dao.liveInstances();
              List<Short> mine = new ArrayList<>(dao.renew(me, leaseSeconds));
              mine.sort(Comparator.naturalOrder());
              if (mine.size() > share) {
                List<Short> extra = mine.subList(share, mine.size());
                dao.release(me, toArray(extra));
                extra.clear();
              } else if (mine.size() < share) {
                mine.addAll(dao.claim(me, leaseSeconds, share - mine.size()));
              }
              return toArray(mine);
            });
    validUntilNanos = started + (long) (leaseSeconds * 1e9) - safetyNanos;
  }

  void releaseAll() {
    owned = new short[0];
    jdbi.useTransaction(
        h -> {
          ShardLeaseDao dao = h.attach(ShardLeaseDao.class);
          dao.releaseAll(me);
          dao.leave(me);
        });
  }

  private static short[] toArray(List<Short> shards) {
    short[] array = new short[shards.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = shards.get(i);
    }
    return array;
  }
}
