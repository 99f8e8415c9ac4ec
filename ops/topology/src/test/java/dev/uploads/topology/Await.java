package dev.uploads.topology;

import java.time.Duration;

/** Bounded polling: every wait of the suite has a deadline and says what it waited for. */
final class Await {
  private static final Duration POLL = Duration.ofMillis(500);

  private Await() {}

  interface Check {
    boolean done() throws Exception;
  }

  /** Polls {@code check} until it holds; fails after {@code timeout}. Returns the time it took. */
  static Duration until(String what, Duration timeout, Check check) throws Exception {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!check.done()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
      }
      Thread.sleep(POLL.toMillis());
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
