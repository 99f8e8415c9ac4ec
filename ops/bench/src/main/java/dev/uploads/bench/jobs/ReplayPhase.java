package dev.uploads.bench.jobs;

import dev.uploads.bench.kit.Cpu;
import dev.uploads.ops.deadletters.ActionRequest;
import dev.uploads.ops.deadletters.Actions;
import dev.uploads.ops.deadletters.LetterFilter;
import dev.uploads.worker.stats.StatsJob;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * One dead-letter replay on the running local stack, timed from {@link Actions#start} until every
 * letter it took is {@code resolved}: the operator library sends each letter to {@code
 * stats.redrive} through the outbox, the API's relay publishes it, the worker's stats job applies
 * it and resolves the letter. The database says where the letters are every 100 ms. {@code actions}
 * sends over the pool it was given: the API's kind (the admin endpoints) or ops/dead-letters' own.
 * Afterwards every letter must be resolved, recorded as resolved on the action, and counted once in
 * account_stats.
 */
public final class ReplayPhase {
  private static final long POLL_MS = 100;

  private ReplayPhase() {}

  public record Run(
      int letters,
      Double rate,
      long resolved,
      long stillReplaying,
      long reopened,
      long outcomesResolved,
      long counted,
      Double sentSeconds,
      double resolvedSeconds,
      double perSecond,
      Cpu.Use cpu) {

    /** What is wrong with the run, or null when every letter went through exactly once. */
    public String problem() {
      if (resolved != letters) {
        return String.format(
            "INCOMPLETE after %.0f s: %d resolved, %d still replaying, %d open or parked again",
            resolvedSeconds, resolved, stillReplaying, reopened);
      }
      if (outcomesResolved != letters || counted != letters) {
        return String.format(
            "MISMATCH: %d action items resolved and %d uploads counted, not %d",
            outcomesResolved, counted, letters);
      }
      return null;
    }
  }

  private record Where(long resolved, long replaying, long waiting) {}

  public static Run run(
      Jdbi jdbi, Actions actions, Cpu cpu, String name, int letters, Double rate, Duration timeout)
      throws Exception {
    String fingerprint = "bench-replay-" + name + "-" + UUID.randomUUID();
    DeadLetterFixture.insert(jdbi, fingerprint, letters);
    long countedBefore = counted(jdbi);
    ActionRequest request =
        new ActionRequest(
            ActionRequest.Kind.REPLAY,
            LetterFilter.parse(
                null, StatsJob.NAME, null, fingerprint, null, null, null, null, null),
            "benchmark: ops/bench-suite replay " + name,
            false,
            rate,
            letters);
    ExecutorService sending = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-sender"));
    Cpu.Sample cpuBefore = cpu.sample();
    long t0 = System.nanoTime();
    try {
      long actionId = actions.start(request, "bench-replay", "cli").id();
      Future<Long> sent =
          sending.submit(
              () -> {
                actions.run(actionId, progress -> {});
                return System.nanoTime();
              });
      long deadline = t0 + timeout.toNanos();
      Where where = where(jdbi, fingerprint);
      while (System.nanoTime() < deadline) {
        where = where(jdbi, fingerprint);
        if (sent.isDone()) {
          sent.get(); // a sender that failed fails the phase here, with its own error
        }
        if (where.resolved() == letters || (sent.isDone() && where.replaying() == 0)) {
          break;
        }
        Thread.sleep(POLL_MS);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      Cpu.Use use = Cpu.between(cpuBefore, cpu.sample());
      long outcomes =
          jdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT count(*) FROM dead_letter_action_items"
                              + " WHERE action_id = :action AND outcome = 'resolved'")
                      .bind("action", actionId)
                      .mapTo(Long.class)
                      .one());
      return new Run(
          letters,
          rate,
          where.resolved(),
          where.replaying(),
          where.waiting(),
          outcomes,
          counted(jdbi) - countedBefore,
          sent.isDone() ? (sent.get() - t0) / 1e9 : null,
          seconds,
          where.resolved() / seconds,
          use);
    } finally {
      // A sender still running after the time box is stopped with the stack.
      sending.shutdownNow();
      sending.awaitTermination(1, TimeUnit.SECONDS);
    }
  }

  private static Where where(Jdbi jdbi, String fingerprint) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT count(*) FILTER (WHERE status = 'resolved'),
                           count(*) FILTER (WHERE status = 'replaying'),
                           count(*) FILTER (WHERE status IN ('open', 'parked'))
                    FROM dead_letters WHERE fingerprint = :fingerprint
                    """)
                .bind("fingerprint", fingerprint)
                .map((rs, ctx) -> new Where(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .one());
  }

  /** Uploads the stats job has counted in all; a replayed letter counts once. */
  private static long counted(Jdbi jdbi) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT coalesce(sum(uploads_received), 0) FROM account_stats")
                .mapTo(Long.class)
                .one());
  }
}
