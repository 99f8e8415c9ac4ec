package dev.uploads.topology.chaos;

import java.time.Duration;

/**
 * What a chaos run does, from system properties (ops/chaos passes them): {@code chaos.minutes} of
 * load with faults, {@code chaos.seed} for the fault schedule (random when absent, and printed
 * either way), {@code chaos.rate} uploads per second, {@code chaos.outage.seconds} for the S3, SMTP
 * and network outages and the relay pause, {@code chaos.session.seconds} for the worker pause,
 * which has to outlast the consumer's session (10 s, WorkerApplication) to mean anything, and
 * {@code chaos.rounds}: the load goes on until every kind of fault fired that many times.
 */
public record ChaosConfig(
    Duration load,
    long seed,
    double rate,
    Duration outage,
    Duration workerPause,
    Duration drainTimeout,
    int rounds) {

  /** The relay's lease (RELAY_LEASE_DURATION): a relay paused longer has lost its shards. */
  static final Duration LEASE = Duration.ofSeconds(5);

  static ChaosConfig fromSystemProperties() {
    String seed = System.getProperty("chaos.seed", "");
    return new ChaosConfig(
        Duration.ofSeconds(Math.round(number("chaos.minutes", 6) * 60)),
        seed.isBlank() ? new java.security.SecureRandom().nextLong() : Long.parseLong(seed),
        number("chaos.rate", 5),
        Duration.ofSeconds((long) number("chaos.outage.seconds", 10)),
        Duration.ofSeconds((long) number("chaos.session.seconds", 15)),
        Duration.ofSeconds((long) number("chaos.drain.seconds", 300)),
        (int) number("chaos.rounds", 2));
  }

  /** The relay's pause: past the lease, and as long as the other outages. */
  Duration relayPause() {
    return outage.compareTo(LEASE.multipliedBy(2)) > 0 ? outage : LEASE.multipliedBy(2);
  }

  private static double number(String property, double fallback) {
    String value = System.getProperty(property, "");
    return value.isBlank() ? fallback : Double.parseDouble(value);
  }
}
