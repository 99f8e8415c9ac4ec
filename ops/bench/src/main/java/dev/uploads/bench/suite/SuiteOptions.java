package dev.uploads.bench.suite;

import dev.uploads.bench.jobs.BenchArguments;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code ops/bench-suite} runs and how much. The defaults fit the whole suite, three rounds of
 * every scenario, into a 27-minute budget on two cores, so that building the suite and running it
 * take under 30 minutes; the sizes (a 1,000,000-row backlog, a 10-minute end-to-end window)
 * are options that need a larger budget.
 */
record SuiteOptions(
    int rounds,
    int budgetMinutes,
    Set<String> scenarios,
    int ingestWarmupSeconds,
    int ingestStepSeconds,
    int ingestSteps,
    int ingestStartRate,
    int ingestLimit,
    int pgbenchSeconds,
    int e2eSeconds,
    int referenceSeconds,
    int relayRows,
    int statsEvents,
    int statsConcurrency,
    int accounts,
    int smallImages,
    int largeImages,
    int thumbnailConcurrency,
    int fsyncSeconds,
    boolean keepData) {

  static final List<String> SCENARIOS =
      List.of("ingest", "relay", "relay-peer", "consumer", "end-to-end", "thumbnails");

  static final String USAGE =
      "options: --rounds=3 --budget-minutes=27 --scenarios="
          + String.join(",", SCENARIOS)
          + " --ingest-warmup-seconds=240 --ingest-step-seconds=10 --ingest-steps=8 --ingest-start-rate=200"
          + " --ingest-limit=0 (0: measure it) --pgbench-seconds=10 --e2e-seconds=60"
          + " --reference-seconds=10 --relay-rows=200000 --stats-events=50000"
          + " --stats-concurrency=4 --accounts=100 --small-images=40 --large-images=6"
          + " --thumbnail-concurrency=4 --fsync-seconds=1 --keep-data";

  static SuiteOptions parse(String[] args) {
    BenchArguments given = new BenchArguments(args, USAGE);
    SuiteOptions options =
        new SuiteOptions(
            given.positive("rounds", 3),
            given.positive("budget-minutes", 27),
            scenarios(given.take("scenarios")),
            given.positive("ingest-warmup-seconds", 240),
            given.positive("ingest-step-seconds", 10),
            given.positive("ingest-steps", 8),
            given.positive("ingest-start-rate", 200),
            given.take(
                "ingest-limit",
                0,
                Integer::parseInt,
                n -> n >= 0,
                v -> "ingest-limit must be 0 or a rate per second, not '" + v + "'"),
            given.positive("pgbench-seconds", 10),
            given.positive("e2e-seconds", 60),
            given.positive("reference-seconds", 10),
            given.positive("relay-rows", 200_000),
            given.positive("stats-events", 50_000),
            given.positive("stats-concurrency", 4),
            given.positive("accounts", 100),
            given.positive("small-images", 40),
            given.positive("large-images", 6),
            given.positive("thumbnail-concurrency", 4),
            given.positive("fsync-seconds", 1),
            given.keepData());
    given.done();
    return options;
  }

  boolean runs(String scenario) {
    return scenarios.contains(scenario);
  }

  private static Set<String> scenarios(String value) {
    if (value == null) {
      return new LinkedHashSet<>(SCENARIOS);
    }
    Set<String> chosen = new LinkedHashSet<>();
    for (String part : value.split(",")) {
      if (!SCENARIOS.contains(part.trim())) {
        throw new IllegalArgumentException(
            "unknown scenario '" + part + "'; known: " + String.join(",", SCENARIOS));
      }
      chosen.add(part.trim());
    }
    return chosen;
  }
}
