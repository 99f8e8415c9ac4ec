package dev.uploads.bench.jobs;

import java.util.Map;

/**
 * The replay runs as table rows and notes. A figure is printed only for a replay whose every letter
 * was resolved, counted once in account_stats and recorded as resolved on the action; otherwise the
 * row says what went wrong instead.
 */
final class ReplayRows {
  private ReplayRows() {}

  /** What a replay of the run is for. */
  enum Role {
    /** Whether the fixture's letters replay to resolved at all; nothing is measured before it. */
    CHECK,
    /** Compiles the code paths, as in services that have run for a while; not a figure. */
    WARMUP,
    MEASURED
  }

  /** Rows and notes for one replay; false when it failed and the run should stop. */
  static boolean add(Results results, Role role, ReplayPhase.Run r) {
    return switch (role) {
      case CHECK -> check(results, r);
      case WARMUP -> warmup(results, r);
      case MEASURED -> replay(results, r);
    };
  }

  private static boolean warmup(Results results, ReplayPhase.Run r) {
    String problem = problem(r);
    if (problem != null) {
      results.row("warm-up replay of " + r.letters() + " letters", "FAILED", problem);
      return false;
    }
    results.note(
        String.format(
            "the replays measured follow an unmeasured warm-up replay of %,d letters in the same"
                + " JVM (%s while cold, %.2f cores outside Java threads: the JIT compiler)",
            r.letters(), Results.rate(r.perSecond()), r.outsideJavaThreadsCores()));
    return true;
  }

  private static boolean check(Results results, ReplayPhase.Run r) {
    String problem = problem(r);
    results.row(
        "check: " + r.letters() + " letters replayed",
        problem == null ? "resolved" : "FAILED",
        problem == null
            ? String.format(
                "all resolved in %.1f s, counted once each, action items resolved",
                r.resolvedSeconds())
            : problem);
    return problem == null;
  }

  private static boolean replay(Results results, ReplayPhase.Run r) {
    String label =
        String.format(
            "replay %,d letters, %s%s",
            r.letters(),
            r.rate() == null ? "unlimited" : "at " + Results.rate(r.rate()),
            r.sender() == ReplayPhase.Sender.POOL ? "" : ", as ops/dead-letters connects");
    String problem = problem(r);
    if (problem != null) {
      results.row(label + ": letters/s to resolved", "FAILED", problem);
      return false;
    }
    results.row(
        label + ": letters/s to resolved",
        Results.rate(r.perSecond()),
        String.format(
            "start -> last letter resolved %.2f s (PostgreSQL clock %.2f s)",
            r.resolvedSeconds(), r.dbResolvedSeconds()));
    results.row(
        label + ": sending alone",
        Results.rate(r.sendPerSecond()),
        String.format(
            "start -> action completed %.2f s (start() itself %.2f s); resolved %.2f s after it",
            r.sentSeconds(), r.startSeconds(), r.resolvedSeconds() - r.sentSeconds()));
    results.row(
        label + ": JVM CPU",
        String.format("%.1f s", r.jvmCpuSeconds()),
        String.format(
            "%.2f ms/letter; PostgreSQL %.1f s, Kafka broker %.1f s",
            r.jvmCpuSeconds() * 1000 / r.letters(), r.postgresCpuSeconds(), r.kafkaCpuSeconds()));
    results.note(
        String.format(
            "%s: letters waiting (average / most) in the outbox %.1f / %d, in Kafka or the worker"
                + " %.1f / %d",
            label, r.avgUnpublished(), r.maxUnpublished(), r.avgAtWorker(), r.maxAtWorker()));
    results.note(label + ": cores " + JobBenchmark.cores(r.cores()));
    results.note(label + ": sender on " + r.sender().description);
    results.note(
        label
            + ": JVM threads (cores) "
            + JobBenchmark.cores(r.threads())
            + "; outside Java threads (JIT, GC) "
            + r.outsideJavaThreadsCores());
    results.note(
        label + ": PostgreSQL sessions (average count) " + PgWaits.describe(r.postgresSessions()));
    return true;
  }

  /** What is wrong with a run, or null when every letter went through exactly as it should. */
  private static String problem(ReplayPhase.Run r) {
    if (!r.finished()) {
      return String.format(
          "INCOMPLETE after %.0f s: %d resolved, %d still replaying, %d open or parked again",
          r.resolvedSeconds(), r.resolved(), r.stillReplaying(), r.reopened());
    }
    Map<String, Long> checks =
        Map.of(
            "action items resolved", r.outcomesResolved(),
            "account_stats uploads counted", r.counted());
    for (Map.Entry<String, Long> check : checks.entrySet()) {
      if (check.getValue() != r.letters()) {
        return "MISMATCH: " + check.getKey() + " " + check.getValue() + ", not " + r.letters();
      }
    }
    return null;
  }
}
