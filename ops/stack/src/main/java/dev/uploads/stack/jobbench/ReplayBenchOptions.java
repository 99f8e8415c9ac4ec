package dev.uploads.stack.jobbench;

import dev.uploads.ops.deadletters.ActionRequest;
import dev.uploads.ops.deadletters.DeadLetterSettings;
import java.util.HashMap;
import java.util.Map;

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
    ReplayBenchOptions options =
        new ReplayBenchOptions(
            letters(given, "check-letters", 20),
            letters(given, "warmup-letters", 6_000, 0),
            letters(given, "rated-letters", 500),
            rate(given.remove("rate")),
            letters(given, "unlimited-letters", 5_000),
            letters(given, "cli-letters", 1_000, 0),
            positive(given, "phase-seconds", 120),
            positive(given, "budget-seconds", 300),
            keep);
    if (!given.isEmpty()) {
      throw new IllegalArgumentException("unknown options " + given.keySet() + "; " + USAGE);
    }
    return options;
  }

  private static int letters(Map<String, String> given, String name, int fallback) {
    return letters(given, name, fallback, 1);
  }

  /** One replay takes at most {@link ActionRequest#MAX_LIMIT} letters; 0 only where it is none. */
  private static int letters(Map<String, String> given, String name, int fallback, int least) {
    String value = given.remove(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= least && parsed <= ActionRequest.MAX_LIMIT) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        String.format(
            "%s must be a whole number from %d to %d (one replay's maximum), not '%s'",
            name, least, ActionRequest.MAX_LIMIT, value));
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

  private static double rate(String value) {
    if (value == null) {
      return DEFAULT_RATE;
    }
    try {
      double rate = Double.parseDouble(value);
      if (rate > 0 && rate <= 100_000) {
        return rate;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "rate must be in (0, 100000] letters/s, not '" + value + "'");
  }
}
