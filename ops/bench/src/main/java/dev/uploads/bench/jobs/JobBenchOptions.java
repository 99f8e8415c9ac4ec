package dev.uploads.bench.jobs;

import java.util.ArrayList;
import java.util.List;

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
    BenchArguments given = new BenchArguments(args, USAGE);
    JobBenchOptions options =
        new JobBenchOptions(
            given.positive("stats-events", 100_000),
            concurrencies(given.take("stats-concurrency")),
            given.positive("stats-seconds", 60),
            given.positive("warmup-events", 5_000),
            given.positive("accounts", 100),
            given.positive("small-images", 200),
            given.positive("large-images", 20),
            given.positive("thumbnail-concurrency", 4),
            given.positive("emails", 2_000),
            given.take(
                "upload-rate",
                10.0,
                Double::parseDouble,
                rate -> rate > 0 && rate <= 1_000,
                value -> "upload-rate must be in (0, 1000] per second, not " + value),
            given.positive("upload-seconds", 30),
            given.positive("budget-seconds", 420),
            given.keepData());
    given.done();
    return options;
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
}
