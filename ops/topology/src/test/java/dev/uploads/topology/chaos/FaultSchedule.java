package dev.uploads.topology.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The faults of a run, in order, drawn from the seed alone: rounds of every kind in a shuffled
 * order, each fault followed by a quiet gap. The same seed gives the same sequence, so a failed run
 * can be replayed.
 */
final class FaultSchedule {
  enum Kind {
    /** kill -9 of the API replica whose relay holds the most shards, started again. */
    API_KILL,
    /** kill -9 of a worker, started again. */
    WORKER_KILL,
    /** docker pause of the relay-holding replica past its lease, then unpause. */
    RELAY_PAUSE,
    /** docker pause of a worker past its consumer session, then unpause. */
    WORKER_PAUSE,
    POSTGRES_RESTART,
    KAFKA_RESTART,
    /** The S3 store off the network. */
    S3_OUTAGE,
    /** The SMTP catcher off the network. */
    SMTP_OUTAGE,
    /** A worker off the network: it can reach neither Kafka, PostgreSQL, S3 nor SMTP. */
    WORKER_PARTITION,
    /**
     * The reply to a COMMIT of the first API replica cut off at the fault proxy, a few times in a
     * row: the write applies and its caller (an upload request, or the relay's lease renewal) sees
     * its connection fail.
     */
    LOST_COMMIT
  }

  /** One planned fault: its kind, which replica (0 or 1) when it has a choice, the gap after. */
  record Planned(Kind kind, int replica, Duration gapAfter) {}

  private FaultSchedule() {}

  /**
   * {@code rounds} rounds of every kind in a shuffled order. The run fires the first round whole
   * and goes on with the next ones while the load's time lasts.
   */
  static List<Planned> draw(long seed, int rounds) {
    Random random = new Random(seed);
    List<Planned> plan = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      List<Kind> kinds = new ArrayList<>(Arrays.asList(Kind.values()));
      Collections.shuffle(kinds, random);
      for (Kind kind : kinds) {
        plan.add(new Planned(kind, random.nextInt(2), Duration.ofSeconds(3 + random.nextInt(8))));
      }
    }
    return plan;
  }
}
