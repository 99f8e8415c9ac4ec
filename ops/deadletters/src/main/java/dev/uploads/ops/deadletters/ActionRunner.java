package dev.uploads.ops.deadletters;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import dev.uploads.schema.LetterOutcome;
import dev.uploads.schema.LetterStatus;
import dev.uploads.schema.Outbox;
import dev.uploads.schema.trace.Tracing;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * Works through the letters an action selected: discards each, or sends each to {@code
 * <job>.redrive} through the outbox, one letter a transaction, so that a runner stopped at any
 * point leaves every letter either done once or not at all.
 */
final class ActionRunner {
  private static final long LOCK_CLASS = 0x0DEAD;
  private final Jdbi jdbi;
  private final Redrive redrive;
  private final AuditTrail audit;
  private final Meter replayed;
  private final Meter discarded;

  ActionRunner(Jdbi jdbi, AuditTrail audit, MetricRegistry metrics, Tracing tracing) {
    this.jdbi = jdbi;
    this.redrive = new Redrive(tracing);
    this.audit = audit;
    this.replayed = metrics.meter("dead-letters.replayed");
    this.discarded = metrics.meter("dead-letters.discarded");
  }

  /**
   * Takes the action's letters not done yet. One runner per action at a time: a PostgreSQL advisory
   * lock, which the database releases if the runner dies.
   */
  Actions.Action run(long actionId, Consumer<Actions.Action> progress) {
    try (Handle lock = jdbi.open()) {
      boolean mine =
          lock.createQuery("SELECT pg_try_advisory_lock(:cls, :id)")
              .bind("cls", (int) LOCK_CLASS)
              .bind("id", (int) actionId)
              .mapTo(Boolean.class)
              .one();
      if (!mine) {
        throw OperatorError.conflict(
            "action " + actionId + " is being run by another process right now");
      }
      try {
        Actions.Action action = audit.action(actionId);
        if (!ActionStatus.parse(action.status()).runnable()) {
          throw OperatorError.conflict("action " + actionId + " is already " + action.status());
        }
        ActionRequest.Kind kind = ActionRequest.Kind.valueOf(action.kind().toUpperCase());
        RateLimiter limiter = action.rate() == null ? null : limiter(action.rate());
        long lastNotify = 0;
        List<Long> previous = List.of();
        while (true) {
          List<Long> pending =
              jdbi.withHandle(
                  h ->
                      h.createQuery(
                              "SELECT letter_id FROM dead_letter_action_items"
                                  + " WHERE action_id = :id AND done_at IS NULL"
                                  + " ORDER BY letter_id LIMIT 500")
                          .bind("id", actionId)
                          .mapTo(Long.class)
                          .list());
          if (pending.isEmpty()) {
            break;
          }
          if (pending.equals(previous)) {
            // Every letter is done or skipped in its transaction; the same page twice is a bug.
            throw new IllegalStateException(
                "action " + actionId + " made no progress on letters " + pending);
          }
          previous = pending;
          for (long letterId : pending) {
            if (limiter != null) {
              RateLimiter.waitForPermission(limiter);
            }
            Step step = apply(kind, action, letterId);
            if (step == Step.STOPPED) {
              // Paused or cancelled by an operator: what was sent stays sent, nothing more goes.
              notifyRelays();
              Actions.Action stopped = audit.action(actionId);
              progress.accept(stopped);
              return stopped;
            }
            boolean sent = step == Step.DONE;
            if (sent && kind == ActionRequest.Kind.REPLAY) {
              replayed.mark();
              if (System.nanoTime() - lastNotify > 20_000_000L) {
                notifyRelays();
                lastNotify = System.nanoTime();
              }
            } else if (sent) {
              discarded.mark();
            }
          }
          progress.accept(audit.action(actionId));
        }
        notifyRelays();
        jdbi.useHandle(
            h ->
                h.createUpdate(
                        "UPDATE dead_letter_actions SET status = :completed, error = NULL,"
                            + " finished_at = now(), heartbeat_at = now()"
                            + " WHERE id = :id AND status = :running")
                    .bind("completed", ActionStatus.COMPLETED.label())
                    .bind("running", ActionStatus.RUNNING.label())
                    .bind("id", actionId)
                    .execute());
        return audit.action(actionId);
      } catch (RuntimeException e) {
        if (!(e instanceof OperatorError)) {
          recordError(actionId, e);
        }
        throw e;
      } finally {
        lock.createQuery("SELECT pg_advisory_unlock(:cls, :id)")
            .bind("cls", (int) LOCK_CLASS)
            .bind("id", (int) actionId)
            .mapTo(Boolean.class)
            .one();
      }
    }
  }

  private static RateLimiter limiter(double perSecond) {
    long periodNanos = Math.max(1L, (long) (1_000_000_000L / perSecond));
    return RateLimiter.of(
        "dead-letter-replay",
        RateLimiterConfig.custom()
            .limitForPeriod(1)
            .limitRefreshPeriod(Duration.ofNanos(periodNanos))
            .timeoutDuration(Duration.ofMinutes(10))
            .build());
  }

  /** What became of one letter in its turn. */
  private enum Step {
    DONE,
    SKIPPED,
    /** The action is no longer running (paused or cancelled): the letter was not touched. */
    STOPPED
  }

  /** One letter of an action, in one transaction. */
  private Step apply(ActionRequest.Kind kind, Actions.Action action, long letterId) {
    return jdbi.inTransaction(
        h -> {
          // The action's row lock orders this letter against a pause or cancel: either it commits
          // first and this letter is not sent, or it waits until this letter is done.
          String actionStatus =
              h.createQuery("SELECT status FROM dead_letter_actions WHERE id = :id FOR UPDATE")
                  .bind("id", action.id())
                  .mapTo(String.class)
                  .one();
          if (ActionStatus.parse(actionStatus) != ActionStatus.RUNNING) {
            return Step.STOPPED;
          }
          Optional<Boolean> done =
              h.createQuery(
                      "SELECT done_at IS NOT NULL FROM dead_letter_action_items"
                          + " WHERE action_id = :action AND letter_id = :letter FOR UPDATE")
                  .bind("action", action.id())
                  .bind("letter", letterId)
                  .mapTo(Boolean.class)
                  .findOne();
          if (done.isEmpty() || done.get()) {
            return Step.SKIPPED; // someone already did it: never twice
          }
          Optional<Redrive.Letter> letter =
              h.createQuery(
                      "SELECT id, job, status, event_id, event_key, event_type, payload,"
                          + " headers::text AS headers, source_timestamp, replay_count, traceparent"
                          + " FROM dead_letters WHERE id = :id FOR UPDATE")
                  .bind("id", letterId)
                  .registerRowMapper(ConstructorMapper.factory(Redrive.Letter.class))
                  .mapTo(Redrive.Letter.class)
                  .findOne();
          String skip = letter.isEmpty() ? "the letter no longer exists" : null;
          if (skip == null) {
            LetterStatus status = LetterStatus.parse(letter.get().status());
            boolean eligible =
                kind == ActionRequest.Kind.DISCARD
                    ? status.discardable()
                    : status.replayable(action.includeParked());
            if (!eligible) {
              skip = "it became " + status.label() + " before its turn";
            }
          }
          if (skip != null) {
            finishItem(h, action.id(), letterId, null, LetterOutcome.SKIPPED, skip);
            h.createUpdate(
                    "UPDATE dead_letter_actions SET skipped = skipped + 1, heartbeat_at = now()"
                        + " WHERE id = :id")
                .bind("id", action.id())
                .execute();
            return Step.SKIPPED;
          }
          if (kind == ActionRequest.Kind.DISCARD) {
            h.createUpdate(
                    "UPDATE dead_letters SET status = :discarded, closed_at = now(),"
                        + " updated_at = now() WHERE id = :id")
                .bind("discarded", LetterStatus.DISCARDED.label())
                .bind("id", letterId)
                .execute();
            finishItem(h, action.id(), letterId, null, LetterOutcome.DISCARDED, null);
          } else {
            int generation =
                h.createQuery(
                        "UPDATE dead_letters SET status = :replaying,"
                            + " replay_count = replay_count + 1, updated_at = now()"
                            + " WHERE id = :id RETURNING replay_count")
                    .bind("replaying", LetterStatus.REPLAYING.label())
                    .bind("id", letterId)
                    .mapTo(Integer.class)
                    .one();
            redrive.send(h, letter.get(), generation, action.id());
            finishItem(h, action.id(), letterId, generation, LetterOutcome.SENT, null);
          }
          h.createUpdate(
                  "UPDATE dead_letter_actions SET done = done + 1, heartbeat_at = now()"
                      + " WHERE id = :id")
              .bind("id", action.id())
              .execute();
          return Step.DONE;
        });
  }

  private static void finishItem(
      Handle h, long action, long letter, Integer generation, LetterOutcome outcome, String note) {
    h.createUpdate(
            "UPDATE dead_letter_action_items SET done_at = now(), generation = :generation,"
                + " outcome = :outcome, note = :note"
                + " WHERE action_id = :action AND letter_id = :letter")
        .bind("generation", generation)
        .bind("outcome", outcome.label())
        .bind("note", note)
        .bind("action", action)
        .bind("letter", letter)
        .execute();
  }

  private void notifyRelays() {
    jdbi.useHandle(h -> h.execute("SELECT pg_notify('" + Outbox.CHANNEL + "', '')"));
  }

  private void recordError(long actionId, RuntimeException e) {
    try {
      jdbi.useHandle(
          h ->
              h.createUpdate("UPDATE dead_letter_actions SET error = :error WHERE id = :id")
                  .bind("error", String.valueOf(e.getMessage()))
                  .bind("id", actionId)
                  .execute());
    } catch (RuntimeException ignored) {
      // The database is what failed; the action stays running and can be resumed.
    }
  }
}
