package dev.uploads.bench.suite;

import dev.uploads.bench.jobs.Budget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What every scenario of a run shares: the options, the report, the time budget with the time the
 * scenarios after this one keep back ({@code reserve}), progress output and the run's data.
 */
record Context(
    SuiteOptions options,
    SuiteReport report,
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
}
