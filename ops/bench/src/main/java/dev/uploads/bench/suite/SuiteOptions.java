package dev.uploads.bench.suite;

import dev.uploads.bench.kit.Options;
import java.time.Duration;
import java.util.List;

/**
 * What {@code ops/bench-suite} runs and how much. The defaults fit the whole suite, three rounds of
 * every scenario, into a 27-minute budget on two cores, so that building the suite and running it
 * take under 30 minutes; the sizes (a 1,000,000-row backlog, a 10-minute end-to-end window)
 * are options that need a larger budget.
 */
record SuiteOptions(
    int rounds,
    int budgetMinutes,
    List<String> scenarios,
    int ingestWarmupSeconds,
    int ingestStepSeconds,
    int ingestSteps,
    int ingestStartRate,
    int ingestLimit,
    int pgbenchSeconds,
    int e2eSeconds,
    int e2eWarmupSeconds,
    int referenceSeconds,
    int relayRows,
    int peerWarmupRows,
    int statsEvents,
    List<Integer> statsConcurrency,
    int accounts,
    int smallImages,
    int largeImages,
    int photos,
    int thumbnailConcurrency,
    int emails,
    int replayLetters,
    int replayRate,
    int replayWarmupLetters,
    int fsyncSeconds,
    boolean keepData) {

  static final List<String> SCENARIOS =
      List.of(
          "ingest",
          "relay",
          "relay-peer",
          "consumer",
          "end-to-end",
          "photos",
          "replay",
          "thumbnails",
          "emails");

  static SuiteOptions parse(String[] args) {
    Options o = new Options(args);
    SuiteOptions options =
        new SuiteOptions(
            o.positive("rounds", 3),
            o.positive("budget-minutes", 27),
            o.list("scenarios", SCENARIOS, SCENARIOS),
            o.positive("ingest-warmup-seconds", 240),
            o.positive("ingest-step-seconds", 10),
            o.positive("ingest-steps", 8),
            o.positive("ingest-start-rate", 200),
            o.integer("ingest-limit", 0, 0),
            o.positive("pgbench-seconds", 10),
            o.positive("e2e-seconds", 60),
            o.positive("e2e-warmup-seconds", 180),
            o.positive("reference-seconds", 10),
            o.positive("relay-rows", 200_000),
            o.integer("peer-warmup-rows", 50_000, 0),
            o.positive("stats-events", 200_000),
            o.list("stats-concurrency", List.of("4"), List.of()).stream()
                .map(Integer::parseInt)
                .toList(),
            o.positive("accounts", 100),
            o.positive("small-images", 40),
            o.positive("large-images", 6),
            o.positive("photos", 48),
            o.positive("thumbnail-concurrency", 4),
            o.positive("emails", 2_000),
            o.positive("replay-letters", 2_000),
            o.positive("replay-rate", 50),
            o.integer("replay-warmup-letters", 3_000, 0),
            o.positive("fsync-seconds", 1),
            o.flag("keep-data"));
    o.done();
    return options;
  }

  boolean runs(String scenario) {
    return scenarios.contains(scenario)
        || scenario.equals("levels") && (runs("relay") || runs("end-to-end"));
  }

  /**
   * About how long one round of each of these scenarios takes on two cores, those that run: what
   * the scenarios before them keep back of the budget. "levels" are the load levels that relay
   * (commit → ack) and end-to-end share; "relay" alone is the drain.
   */
  Duration round(String... names) {
    long seconds = 0;
    for (String name : names) {
      long s =
          switch (name) {
            case "ingest" -> ingestSteps * (ingestStepSeconds + 10L) + pgbenchSeconds + 20;
            case "levels" -> 3L * (e2eSeconds + referenceSeconds + 40) + 20 + e2eWarmupSeconds / 2;
            case "relay", "relay-peer" -> 40 + relayRows / 2_500L;
            case "replay" -> 40 + replayLetters / 25L;
            case "photos" -> 20 + 3L * photos;
            case "consumer" ->
                (60 + statsEvents / 5_000L + pgbenchSeconds) * statsConcurrency.size();
            case "thumbnails" -> 60 + 3L * largeImages + smallImages / 5;
            case "emails" -> 40 + emails / 50L;
            default -> throw new IllegalArgumentException(name);
          };
      seconds += runs(name) ? s : 0;
    }
    return Duration.ofSeconds(seconds);
  }
}
