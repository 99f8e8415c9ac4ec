package dev.uploads.bench.kit;

import java.time.Duration;

/**
 * The run's time ceiling. Every wait asks it for a timeout, keeping back what the phases after it
 * need, so one slow phase shortens its own wait instead of pushing the whole run past the limit.
 */
public final class Budget {
  /** A wait shorter than this would measure only start-up; better to give the phase up. */
  private static final Duration FLOOR = Duration.ofSeconds(5);

  private final long start = System.nanoTime();
  private final Duration total;

  public Budget(Duration total) {
    this.total = total;
  }

  public Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  public Duration remaining() {
    return total.minus(elapsed());
  }

  /** At most cap, and no more than leaves reserve for later phases (but never below 5 s). */
  public Duration timeout(Duration cap, Duration reserve) {
    Duration left = remaining().minus(reserve);
    Duration chosen = left.compareTo(cap) < 0 ? left : cap;
    return chosen.compareTo(FLOOR) < 0 ? FLOOR : chosen;
  }

  /** Whether an optional step of about this length still fits before the reserve. */
  public boolean fits(Duration estimate, Duration reserve) {
    return remaining().minus(reserve).compareTo(estimate) > 0;
  }

  public String stamp() {
    return String.format("[%3ds]", elapsed().toSeconds());
  }
}
