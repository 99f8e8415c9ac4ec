package dev.uploads.bench.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.regex.MatchResult;
import org.junit.jupiter.api.Test;

/**
 * The parsers against the tools' output: pg_test_fsync's and pgbench's (15.18) as printed here,
 * Kafka's (4.3.1) as its format strings print a run's figures. A tool upgrade that changes its
 * output fails here rather than in a benchmark.
 */
class ToolOutputTest {
  private static final String PG_TEST_FSYNC =
      """
      1 second per test
      O_DIRECT supported on this platform for open_datasync and open_sync.

      Compare file sync methods using one 8kB write:
      (in wal_sync_method preference order, except fdatasync is Linux's default)
              open_datasync                      4490.340 ops/sec     223 usecs/op
              fdatasync                          5513.366 ops/sec     181 usecs/op
              fsync                              7316.254 ops/sec     137 usecs/op
              fsync_writethrough                              n/a
              open_sync                          5860.326 ops/sec     171 usecs/op

      Compare file sync methods using two 8kB writes:
      (in wal_sync_method preference order, except fdatasync is Linux's default)
              open_datasync                      3955.751 ops/sec     253 usecs/op
              fdatasync                          2441.926 ops/sec     410 usecs/op
              fsync                               954.862 ops/sec    1047 usecs/op
              fsync_writethrough                              n/a
              open_sync                           292.741 ops/sec    3416 usecs/op

      Compare open_sync with different write sizes:
               1 * 16kB open_sync write           770.669 ops/sec    1298 usecs/op
      """;

  @Test
  void pgTestFsyncSectionsKeepTheirOwnMethods() {
    Map<String, Double> one = PgTestFsync.section(PG_TEST_FSYNC, "using one 8kB write");
    assertEquals(5513.366, one.get("fdatasync"));
    assertEquals(4490.340, one.get("open_datasync"));
    assertFalse(one.containsKey("fsync_writethrough"));
    assertEquals(4, one.size());
    assertEquals(
        2441.926, PgTestFsync.section(PG_TEST_FSYNC, "using two 8kB writes").get("fdatasync"));
  }

  @Test
  void pgbenchSummary() {
    Pgbench.Result r =
        Pgbench.parse(
            """
            pgbench (15.18 (Debian 15.18-0+deb12u1), server 17.7)
            transaction type: /tmp/s.sql
            query mode: prepared
            number of clients: 2
            number of threads: 1
            maximum number of tries: 1
            duration: 2 s
            number of transactions actually processed: 38170
            number of failed transactions: 0 (0.000%)
            latency average = 0.104 ms
            initial connection time = 11.469 ms
            tps = 19192.082223 (without initial connection time)
            """,
            "/usr/bin/pgbench");
    assertEquals(19192.082223, r.tps().orElseThrow());
    assertEquals(0.104, r.latencyAverageMillis().orElseThrow());
    assertTrue(r.note().contains("pgbench (15.18"));
    Pgbench.Result refused = Pgbench.parse("connection refused", "/usr/bin/pgbench");
    assertTrue(refused.tps().isEmpty());
    assertTrue(refused.note().contains("connection refused"));
  }

  @Test
  void producerPerformanceLastSummaryOnly() {
    String interim =
        "107012 records sent, 21402.4 records/sec (11.23 MB/sec), 1402.1 ms avg latency,"
            + " 2710.0 ms max latency.";
    assertNull(KafkaTools.producerSummary(interim));
    String whole =
        "1000 records sent, 990.0 records/sec (0.52 MB/sec), 3.10 ms avg latency, 40.00 ms max"
            + " latency, 2 ms 50th, 9 ms 95th, 31 ms 99th, 40 ms 99.9th.\n"
            + interim
            + "\n200000 steady state records sent, 43215.211755 records/sec (22.67 MB/sec), 133.90"
            + " ms avg latency, 901.00 ms max latency, 105 ms 50th, 320 ms 95th, 358 ms 99th, 399"
            + " ms 99.9th.\n";
    MatchResult m = KafkaTools.producerSummary(whole);
    assertEquals("200000", m.group(1));
    assertEquals("43215.211755", m.group(3));
    assertEquals("105", m.group(7));
    assertEquals("358", m.group(9));
  }

  @Test
  void consumerPerformanceStatsByName() {
    Map<String, String> stats =
        KafkaTools.consumerStats(
            """
            start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, \
            rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
            2026-11-23 17:35:01:123, 2026-11-23 17:35:04:614, 104.9042, 30.0499, 200000, \
            57290.1747, 1367, 2124, 49.3899, 94161.9586
            """);
    assertEquals("200000", stats.get("data.consumed.in.nMsg"));
    assertEquals("94161.9586", stats.get("fetch.nMsg.sec"));
    assertEquals("2026-11-23 17:35:01:123", stats.get("start.time"));
  }
}
