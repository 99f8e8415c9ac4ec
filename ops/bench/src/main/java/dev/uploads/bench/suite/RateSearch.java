package dev.uploads.bench.suite;

import java.util.OptionalDouble;

/**
 * The bounded search for the highest rate that passes a test (ingest: p99 ≤ 50 ms): doubling or
 * halving from the start rate until one rate passes and one fails, then bisecting (geometrically)
 * until they are within 10 % of each other or the steps are used up.
 */
final class RateSearch {
  private static final double CLOSE_ENOUGH = 1.10;

  private final int maxSteps;
  private double passed = 0;
  private double failed = Double.POSITIVE_INFINITY;
  private double next;
  private int steps;

  RateSearch(double start, int maxSteps) {
    this.next = Math.max(1, Math.round(start));
    this.maxSteps = maxSteps;
  }

  /** The rate to try next; empty when the search is over. */
  OptionalDouble next() {
    boolean bracketed = passed > 0 && failed < Double.POSITIVE_INFINITY;
    if (steps >= maxSteps || next < 1 || (bracketed && failed / passed <= CLOSE_ENOUGH)) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(next);
  }

  void result(double rate, boolean pass) {
    steps++;
    if (pass) {
      passed = Math.max(passed, rate);
    } else {
      failed = Math.min(failed, rate);
    }
    if (failed == Double.POSITIVE_INFINITY) {
      next = Math.round(passed * 2);
    } else if (passed == 0) {
      next = Math.floor(failed / 2);
    } else {
      next = Math.round(Math.sqrt(passed * failed));
      if (next <= passed || next >= failed) {
        next = 0; // no whole rate left between them
      }
    }
  }

  /** The highest rate that passed, or empty when none did. */
  OptionalDouble limit() {
    return passed > 0 ? OptionalDouble.of(passed) : OptionalDouble.empty();
  }

  /** The lowest rate that failed, or empty when none did (the search hit its step limit rising). */
  OptionalDouble lowestFailed() {
    return failed < Double.POSITIVE_INFINITY ? OptionalDouble.of(failed) : OptionalDouble.empty();
  }
}
