package dev.uploads.stack.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * What a benchmark run may vary. Defaults are the figures the targets were set for; smaller values
 * exist for quick trial runs, not for reporting.
 */
record BenchOptions(
    int concurrency, Duration warmup, Duration duration, int backlog, double ackLoadFraction) {

  static final String USAGE =
      "options: --concurrency=32 --warmup=5 --duration=20 (seconds) --backlog=200000"
          + " --ack-load=0.5 (fraction of the measured ingest rate)";

  static BenchOptions parse(String[] args) {
    Map<String, String> given = new HashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("unknown argument '" + arg + "'; " + USAGE);
      }
      given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    BenchOptions options =
        new BenchOptions(
            number(given, "concurrency", 32, 1, 1024),
            Duration.ofSeconds(number(given, "warmup", 5, 0, 120)),
            // The commit-to-ack phase must fit into the relay's one-minute metric window.
            Duration.ofSeconds(number(given, "duration", 20, 1, 50)),
            number(given, "backlog", 200_000, 1, 5_000_000),
            fraction(given, "ack-load", 0.5));
    if (!given.isEmpty()) {
      throw new IllegalArgumentException("unknown options " + given.keySet() + "; " + USAGE);
    }
    return options;
  }

  private static int number(
      Map<String, String> given, String name, int fallback, int min, int max) {
    String value = given.remove(name);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--"
            + name
            + " must be a whole number from "
            + min
            + " to "
            + max
            + ", not '"
            + value
            + "'");
  }

  private static double fraction(Map<String, String> given, String name, double fallback) {
    String value = given.remove(name);
    if (value == null) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(value);
      if (d > 0 && d <= 1) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + name + " must be in (0, 1], not '" + value + "'");
  }
}
