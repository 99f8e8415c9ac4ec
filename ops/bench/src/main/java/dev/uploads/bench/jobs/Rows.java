package dev.uploads.bench.jobs;

import java.util.List;

/**
 * Each phase's measurements as table rows and notes. Remarks carry the checks (counters match,
 * uploads ready, mails received) beside the figure, so a number is never read without them.
 */
final class Rows {
  static final double STATS_TARGET_PER_SECOND = 5_000;

  private Rows() {}

  static void stats(Results results, StatsPhase.Run r, int timeBoxSeconds) {
    boolean met = r.finished() && r.perSecond() >= STATS_TARGET_PER_SECOND;
    String extent =
        r.finished()
            ? String.format(
                "backlog of %,d applied in %.1f s from worker start", r.backlog(), r.seconds())
            : String.format(
                "time box %d s: %,d of %,d backlog applied in %.1f s from worker start",
                timeBoxSeconds, r.done(), r.backlog(), r.seconds());
    String check =
        r.finished()
            ? (r.counted() == r.backlog()
                ? "sum(account_stats.uploads_received) grew by N, as it must"
                : "MISMATCH: account_stats grew by " + r.counted() + ", not " + r.backlog())
            : String.format(
                "account_stats grew by %,d for %,d committed after stop (the difference was applied"
                    + " but not committed, deduplicated on redelivery)",
                r.counted(), r.committedAfterStop());
    results.row(
        "stats events/s, concurrency " + r.concurrency(),
        Results.rate(r.perSecond()),
        String.format(
            "target >= %,.0f/s: %s; %s; %s after the first commit; %s; dead letters %d",
            STATS_TARGET_PER_SECOND,
            met ? "met" : "NOT met",
            extent,
            r.steadyPerSecond() == null ? "n/a" : Results.rate(r.steadyPerSecond()),
            check,
            r.deadLetters()));
    results.note(
        "stats c="
            + r.concurrency()
            + ": cores "
            + JobBenchmark.cores(r.cores())
            + " | PostgreSQL sessions (average count): "
            + PgWaits.describe(r.postgresSessions()));
  }

  static void thumbnails(Results results, List<ThumbnailPhase.Batch> batches, int concurrency) {
    for (ThumbnailPhase.Batch b : batches) {
      String name = "thumbnails " + b.label() + " (" + b.width() + "x" + b.height() + ")";
      String check =
          b.ready()
              + " of "
              + b.events()
              + " uploads ready"
              + (b.finished() ? "" : ", INCOMPLETE (timed out)");
      results.row(
          name + " events/s",
          String.format("%,.1f/s", b.perSecond()),
          String.format(
              "%d events in %.1f s after writing them, concurrency %d; %s; JPEG %,d bytes",
              b.done(), b.seconds(), concurrency, check, b.jpegBytes()));
      results.row(
          name + " ms per MP",
          Results.millis(b.wallMsPerMegapixel()),
          String.format(
              "wall: elapsed / (events x MP); worker JVM CPU %.1f ms per MP",
              b.jvmCpuMsPerMegapixel()));
      results.note(
          "thumbnails "
              + b.label()
              + ": cores "
              + JobBenchmark.cores(b.cores())
              + " | PostgreSQL sessions: "
              + PgWaits.describe(b.postgresSessions()));
    }
  }

  static void emails(Results results, EmailPhase.Run r) {
    results.row(
        "emails events/s",
        Results.rate(r.perSecond()),
        String.format(
            "%,d of %,d mails received by the SMTP server in %.1f s%s; %,d deliveries recorded;"
                + " offsets %s",
            r.mails(),
            r.events(),
            r.seconds(),
            r.finished() ? "" : " INCOMPLETE (timed out)",
            r.deliveriesRecorded(),
            r.offsetsCommitted() ? "committed" : "NOT all committed"));
    results.note(
        "emails: cores "
            + JobBenchmark.cores(r.cores())
            + " (the SMTP server runs in the JVM)"
            + " | PostgreSQL sessions: "
            + PgWaits.describe(r.postgresSessions()));
  }

  static void latency(Results results, LatencyPhase.Run r) {
    String load = String.format("at %.1f uploads/s for %d s (320x240 JPEG)", r.rate(), r.seconds());
    if (r.p50Millis() != null) {
      results.row(
          "upload -> ready p50", Results.millis(r.p50Millis()), load + "; updated_at - created_at");
      results.row("upload -> ready p99", Results.millis(r.p99Millis()), "");
      results.row("upload -> ready max", Results.millis(r.maxMillis()), "");
    }
    results.row(
        "uploads ready",
        r.ready() + " of " + r.sent(),
        String.format(
            "accepted %d, failed %d, still received %d after waiting %.1f s; HTTP %s, errors %d;"
                + " 202 p50 %.1f ms, p99 %.1f ms; sender at most %.1f ms late",
            r.accepted(),
            r.failed(),
            r.stillReceived(),
            r.waitedSeconds(),
            r.httpStatuses(),
            r.httpErrors(),
            r.httpP50Millis(),
            r.httpP99Millis(),
            r.maxSendLateMillis()));
    if (r.firstHttpError() != null) {
      results.note("first HTTP error: " + r.firstHttpError());
    }
    results.note(
        "upload -> ready (load + wait): cores "
            + JobBenchmark.cores(r.cores())
            + " | PostgreSQL sessions: "
            + PgWaits.describe(r.postgresSessions()));
  }
}
