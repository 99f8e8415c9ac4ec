package dev.uploads.stack.jobbench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ops/bench-jobs} measures and how much. Defaults keep the whole run under about seven
 * minutes on two cores; {@code budget} is the hard ceiling that optional parts (a second stats
 * concurrency) and every wait respect.
 */
record JobBenchOptions(
    int statsEvents,
    List<Integer> statsConcurrency,
    int statsSeconds,
    int warmupEvents,
    int accounts,
    int smallImages,
    int largeImages,
    int thumbnailConcurrency,
    int emails,
    double uploadRate,
    int uploadSeconds,
    int budgetSeconds,
    boolean keepData) {

  static final String USAGE =
      "options: --stats-events=100000 --stats-concurrency=4,8 --stats-seconds=60 --warmup-events=5000"
          + " --accounts=100 --small-images=200"
          + " --large-images=20 --thumbnail-concurrency=4 --emails=2000 --upload-rate=10"
          + " --upload-seconds=30 --budget-seconds=420 --keep-data";

  static JobBenchOptions parse(String[] args) {
    Map<String, String> given = new HashMap<>();
    boolean keep = false;
    for (String arg : args) {
      if (arg.equals("--keep-data")) {
        keep = true;
      } else if (arg.startsWith("--") && arg.contains("=")) {
        given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      } else {
        throw new IllegalArgumentException("unknown argument '" + arg + "'; " + USAGE);
      }
    }
    JobBenchOptions options =
        new JobBenchOptions(
            positive(given, "stats-events", 100_000),
            concurrencies(given.remove("stats-concurrency")),
            positive(given, "stats-seconds", 60),
            positive(given, "warmup-events", 5_000),
            positive(given, "accounts", 100),
            positive(given, "small-images", 200),
            positive(given, "large-images", 20),
            positive(given, "thumbnail-concurrency", 4),
            positive(given, "emails", 2_000),
            rate(given.remove("upload-rate")),
            positive(given, "upload-seconds", 30),
            positive(given, "budget-seconds", 420),
            keep);
    if (!given.isEmpty()) {
      throw new IllegalArgumentException("unknown options " + given.keySet() + "; " + USAGE);
    }
    return options;
  }

  private static int positive(Map<String, String> given, String name, int fallback) {
    String value = given.remove(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive integer, not '" + value + "'");
  }

  /** The worker accepts 1..64 lanes per job. */
  private static List<Integer> concurrencies(String value) {
    List<Integer> list = new ArrayList<>();
    for (String part : (value == null ? "4,8" : value).split(",")) {
      try {
        int c = Integer.parseInt(part.trim());
        if (c >= 1 && c <= 64) {
          list.add(c);
          continue;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "stats-concurrency takes numbers 1..64, not '" + value + "'");
    }
    return List.copyOf(list);
  }

  private static double rate(String value) {
    if (value == null) {
      return 10.0;
    }
    try {
      double rate = Double.parseDouble(value);
      if (rate > 0 && rate <= 1_000) {
        return rate;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("upload-rate must be in (0, 1000] per second, not " + value);
  }
}
