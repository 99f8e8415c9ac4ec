package dev.uploads.bench.suite;

import dev.uploads.bench.kit.Budget;
import dev.uploads.bench.kit.Report;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * What every scenario of a run shares: the options, the report, the time budget with the time the
 * scenarios after this one keep back ({@code reserve}), progress output and the run's data.
 */
record Context(
    SuiteOptions options,
    Report report,
    Budget budget,
    Duration reserve,
    Consumer<String> say,
    Path data) {

  Context reserving(Duration later) {
    return new Context(options, report, budget, later, say, data);
  }

  /** A wait of at most cap that leaves the reserve (never below the budget's floor). */
  Duration timeout(Duration cap) {
    return budget.timeout(cap, reserve);
  }

  /** Whether another round of about this length fits before the reserve. */
  boolean fits(Duration round) {
    return budget.fits(round, reserve);
  }

  void say(String line) {
    say.accept(line);
  }

  void say(String format, Object... args) {
    say.accept(String.format(format, args));
  }

  /** One measurement of a round. */
  interface Step {
    void run() throws Exception;
  }

  /**
   * Rounds 1 to --rounds, each while one more of about {@code round} fits before the reserve. Even
   * rounds run their steps in reverse, so that neither ours nor the reference always goes first.
   */
  void rounds(String scenario, Duration round, IntFunction<List<Step>> steps) throws Exception {
    rounds(scenario, round, steps, () -> {});
  }

  /** As above, with {@code after} run at the end of each round. */
  void rounds(String scenario, Duration round, IntFunction<List<Step>> steps, Step after)
      throws Exception {
    for (int r = 1; r <= options.rounds(); r++) {
      if (r > 1 && !fits(round)) {
        report.note(scenario + ": rounds " + r + ".." + options.rounds() + " not run: time budget");
        return;
      }
      List<Step> list = new ArrayList<>(steps.apply(r));
      if (r % 2 == 0) {
        Collections.reverse(list);
      }
      for (Step step : list) {
        step.run();
      }
      after.run();
    }
  }
}
