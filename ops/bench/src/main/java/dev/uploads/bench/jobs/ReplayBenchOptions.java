package dev.uploads.bench.jobs;

import dev.uploads.ops.deadletters.ActionRequest;
import dev.uploads.ops.deadletters.DeadLetterSettings;

/**
 * What {@code ops/bench-replay} measures: a check that a few letters replay to resolved, an
 * unmeasured warm-up replay (the JIT compiler takes most of a core for its first ~40 s), a replay
 * at the operators' default rate and one without a limit (sent over a connection pool, as the admin
 * endpoints do), and an unlimited one sent the way {@code ops/dead-letters} sends, a connection per
 * transaction. The defaults take about three minutes on two cores; {@code budget} is the ceiling
 * every wait respects.
 */
record ReplayBenchOptions(
    int checkLetters,
    int warmupLetters,
    int ratedLetters,
    double rate,
    int unlimitedLetters,
    int cliLetters,
    int phaseSeconds,
    int budgetSeconds,
    boolean keepData) {

  /** The rate a replay gets when the operator names none (CLI and admin HTTP alike). */
  static final double DEFAULT_RATE = new DeadLetterSettings().getReplayRate();

  static final String USAGE =
      "options: --check-letters=20 --warmup-letters=6000 (0: none) --rated-letters=500 --rate="
          + DEFAULT_RATE
          + " --unlimited-letters=5000 --cli-letters=1000 (0: none) --phase-seconds=120"
          + " --budget-seconds=300 --keep-data";

  static ReplayBenchOptions parse(String[] args) {
    BenchArguments given = new BenchArguments(args, USAGE);
    ReplayBenchOptions options =
        new ReplayBenchOptions(
            letters(given, "check-letters", 20, 1),
            letters(given, "warmup-letters", 6_000, 0),
            letters(given, "rated-letters", 500, 1),
            given.take(
                "rate",
                DEFAULT_RATE,
                Double::parseDouble,
                rate -> rate > 0 && rate <= 100_000,
                value -> "rate must be in (0, 100000] letters/s, not '" + value + "'"),
            letters(given, "unlimited-letters", 5_000, 1),
            letters(given, "cli-letters", 1_000, 0),
            given.positive("phase-seconds", 120),
            given.positive("budget-seconds", 300),
            given.keepData());
    given.done();
    return options;
  }

  /** One replay takes at most {@link ActionRequest#MAX_LIMIT} letters; 0 only where it is none. */
  private static int letters(BenchArguments given, String name, int fallback, int least) {
    return given.take(
        name,
        fallback,
        Integer::parseInt,
        n -> n >= least && n <= ActionRequest.MAX_LIMIT,
        value ->
            String.format(
                "%s must be a whole number from %d to %d (one replay's maximum), not '%s'",
                name, least, ActionRequest.MAX_LIMIT, value));
  }
}
