package dev.uploads.topology.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The faults of a run, in order, drawn from the seed alone: rounds of every kind in a shuffled
 * order, each followed by a quiet gap, until the load's duration is used up. The same seed gives
 * the same sequence, so a failed run can be replayed.
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
    WORKER_PARTITION
  }

  /** One planned fault: its kind, which replica (0 or 1) when it has a choice, the gap after. */
  record Planned(Kind kind, int replica, Duration gapAfter) {}

  private FaultSchedule() {}

  /**
   * At most {@code limit} faults; the estimate of each one's length (outage plus a recovery
   * allowance) decides how many fit in {@code budget}, but never fewer than one round.
   */
  static List<Planned> draw(long seed, ChaosConfig config, Duration budget, int limit) {
    Random random = new Random(seed);
    List<Planned> plan = new ArrayList<>();
    Duration used = Duration.ZERO;
    for (int round = 0; round < limit && plan.size() < limit; round++) {
      List<Kind> kinds = new ArrayList<>(Arrays.asList(Kind.values()));
      Collections.shuffle(kinds, random);
      for (Kind kind : kinds) {
        Duration gap = Duration.ofSeconds(3 + random.nextInt(8));
        Duration length = estimate(kind, config).plus(gap);
        if (round > 0 && used.plus(length).compareTo(budget) > 0) {
          return plan;
        }
        plan.add(new Planned(kind, random.nextInt(2), gap));
        used = used.plus(length);
        if (plan.size() >= limit) {
          return plan;
        }
      }
    }
    return plan;
  }

  private static Duration estimate(Kind kind, ChaosConfig config) {
    Duration recovery = Duration.ofSeconds(20);
    return switch (kind) {
      case WORKER_PAUSE -> config.workerPause().plus(recovery);
      case RELAY_PAUSE -> config.relayPause().plus(recovery);
      case API_KILL, WORKER_KILL -> Duration.ofSeconds(40);
      case POSTGRES_RESTART, KAFKA_RESTART -> Duration.ofSeconds(30).plus(recovery);
      default -> config.outage().plus(recovery);
    };
  }
}
