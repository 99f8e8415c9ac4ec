package dev.uploads.ops.deadletters;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uploads.schema.LetterStatus;
import dev.uploads.schema.trace.Tracing;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;

/**
 * The changing side: replays and discards, each recorded in {@code dead_letter_actions} with the
 * letters it selected. A replay sends each letter to {@code <job>.redrive} through the outbox, in
 * one transaction with the letter's new status and the mark that it was sent, so a replay that is
 * stopped at any point and resumed sends every letter exactly once.
 */
public final class Actions {
  private final Jdbi jdbi;
  private final AuditTrail audit;
  private final ActionRunner runner;
  private final Meter pruned;

  public Actions(Jdbi jdbi, MetricRegistry metrics, Tracing tracing) {
    this.jdbi = jdbi;
    this.audit = new AuditTrail(jdbi);
    this.runner = new ActionRunner(jdbi, audit, metrics, tracing);
    this.pruned = metrics.meter("dead-letters.pruned");
  }

  /** One letter as an action would treat it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Planned(
      @JsonProperty("letter") Letters.Letter letter,
      @JsonProperty("included") boolean included,
      @JsonProperty("note") String note) {}

  /** Exactly what an action would do, computed without changing anything. */
  public record Plan(
      @JsonProperty("kind") String kind,
      @JsonProperty("filter") LetterFilter filter,
      @JsonProperty("include_parked") boolean includeParked,
      @JsonProperty("rate") Double rate,
      @JsonProperty("max") int max,
      @JsonProperty("included") int included,
      @JsonProperty("excluded") int excluded,
      @JsonProperty("letters") List<Planned> letters) {}

  public Plan plan(ActionRequest request) {
    return jdbi.withHandle(h -> ActionPlanner.plan(h, request));
  }

  /** An action as the audit trail shows it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Action(
      @JsonProperty("id") long id,
      @JsonProperty("kind") String kind,
      @JsonProperty("operator") String operator,
      @JsonProperty("via") String via,
      @JsonProperty("reason") String reason,
      @JsonProperty("filter") Object filter,
      @JsonProperty("include_parked") boolean includeParked,
      @JsonProperty("rate") Double rate,
      @JsonProperty("max") int max,
      @JsonProperty("status") String status,
      @JsonProperty("selected") int selected,
      @JsonProperty("done") int done,
      @JsonProperty("skipped") int skipped,
      @JsonProperty("outcomes") Map<String, Long> outcomes,
      @JsonProperty("error") String error,
      @JsonProperty("created_at") Instant createdAt,
      @JsonProperty("finished_at") Instant finishedAt,
      @JsonProperty("controls") List<ControlRecord> controls) {}

  /** A pause, resume or cancel, as the audit trail shows it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ControlRecord(
      @JsonProperty("control") String control,
      @JsonProperty("operator") String operator,
      @JsonProperty("via") String via,
      @JsonProperty("reason") String reason,
      @JsonProperty("at") Instant at) {}

  /**
   * Records the action and the letters it takes, and returns it ready to {@link #run}. Nothing is
   * sent yet: a caller that dies now leaves a running action that {@link #resume} finishes.
   */
  public Action start(ActionRequest request, String operator, String via) {
    request.requireReason();
    if (operator == null || operator.isBlank()) {
      throw OperatorError.badInput("an action needs an operator name for the audit trail");
    }
    long id =
        jdbi.inTransaction(
            h -> {
              Plan plan = ActionPlanner.plan(h, request);
              long actionId =
                  h.createQuery(
                          """
                          INSERT INTO dead_letter_actions (kind, operator, via, reason, filter,
                              include_parked, rate_limit, max_count, selected)
                          VALUES (:kind, :operator, :via, :reason, CAST(:filter AS jsonb),
                              :includeParked, :rate, :max, :selected)
                          RETURNING id
                          """)
                      .bind("kind", request.kind().label())
                      .bind("operator", operator)
                      .bind("via", via)
                      .bind("reason", request.reason())
                      .bind("filter", Json.write(request.filter()))
                      .bind("includeParked", request.includeParked())
                      .bind("rate", request.rate())
                      .bind("max", request.max())
                      .bind("selected", plan.included())
                      .mapTo(Long.class)
                      .one();
              var batch =
                  h.prepareBatch(
                      "INSERT INTO dead_letter_action_items (action_id, letter_id)"
                          + " VALUES (:action, :letter)");
              for (Planned p : plan.letters()) {
                if (p.included()) {
                  batch.bind("action", actionId).bind("letter", p.letter().id()).add();
                }
              }
              batch.execute();
              return actionId;
            });
    return action(id);
  }

  /**
   * Works through the action's letters that are not done yet. One runner per action at a time (a
   * PostgreSQL advisory lock, released if the runner dies); each letter in its own transaction.
   */
  public Action run(long actionId, Consumer<Action> progress) {
    return runner.run(actionId, progress);
  }

  /**
   * Finishes an action that was stopped part-way or paused: only the letters not yet done are
   * taken. Resuming a paused action is recorded in the audit trail under {@code operator}.
   */
  public Action resume(long actionId, Consumer<Action> progress, String operator, String via) {
    if (ActionStatus.parse(action(actionId).status()) == ActionStatus.PAUSED) {
      control(actionId, Control.RESUME, operator, via, null);
    }
    return run(actionId, progress);
  }

  /** What an operator can do to an action under way, from which stored statuses, to which. */
  public enum Control {
    /** Stops sending after the letter in hand; the rest waits for a resume. */
    PAUSE(ActionStatus.PAUSED, "paused", ActionStatus.RUNNING),
    /** Lets a paused action go on; its runner must be started again. */
    RESUME(ActionStatus.RUNNING, "resumed", ActionStatus.PAUSED),
    /** Stops for good: the letters not sent yet are skipped and stay as they were. */
    CANCEL(ActionStatus.CANCELLED, "cancelled", ActionStatus.RUNNING, ActionStatus.PAUSED);

    private final ActionStatus to;
    private final String past;
    private final java.util.Set<ActionStatus> from;

    Control(ActionStatus to, String past, ActionStatus... from) {
      this.to = to;
      this.past = past;
      this.from = java.util.EnumSet.copyOf(java.util.List.of(from));
    }

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Pauses, resumes or cancels an action, on the record. The runner takes the action's row lock for
   * each letter and reads the status under it, so no letter is sent after a pause or cancel has
   * committed.
   */
  public Action control(long actionId, Control control, String operator, String via, String why) {
    if (operator == null || operator.isBlank()) {
      throw OperatorError.badInput("an action needs an operator name for the audit trail");
    }
    jdbi.useTransaction(
        h -> {
          ActionStatus status =
              h.createQuery("SELECT status FROM dead_letter_actions WHERE id = :id FOR UPDATE")
                  .bind("id", actionId)
                  .mapTo(String.class)
                  .findOne()
                  .map(ActionStatus::parse)
                  .orElseThrow(() -> OperatorError.notFound("no action has id " + actionId));
          if (!control.from.contains(status)) {
            throw OperatorError.conflict(
                "action "
                    + actionId
                    + " is "
                    + status.label()
                    + ", so it cannot be "
                    + control.past);
          }
          h.createUpdate(
                  "UPDATE dead_letter_actions SET status = :next, heartbeat_at = now(),"
                      + " finished_at = CASE WHEN :finished THEN now() END WHERE id = :id")
              .bind("next", control.to.label())
              .bind("finished", control == Control.CANCEL)
              .bind("id", actionId)
              .execute();
          if (control == Control.CANCEL) {
            int skipped =
                h.createUpdate(
                        "UPDATE dead_letter_action_items SET done_at = now(), outcome = 'skipped',"
                            + " note = :note WHERE action_id = :id AND done_at IS NULL")
                    .bind("note", "the action was cancelled by " + operator + " before its turn")
                    .bind("id", actionId)
                    .execute();
            h.createUpdate("UPDATE dead_letter_actions SET skipped = skipped + :n WHERE id = :id")
                .bind("n", skipped)
                .bind("id", actionId)
                .execute();
          }
          h.createUpdate(
                  "INSERT INTO dead_letter_action_controls (action_id, control, operator, via,"
                      + " reason) VALUES (:id, :control, :operator, :via, :reason)")
              .bind("id", actionId)
              .bind("control", control.label())
              .bind("operator", operator)
              .bind("via", via)
              .bind("reason", why == null || why.isBlank() ? null : why.trim())
              .execute();
        });
    return action(actionId);
  }

  public Action action(long id) {
    return audit.action(id);
  }

  /** The audit trail, newest first. */
  public List<Action> list(int limit) {
    return audit.list(AuditTrail.Search.ALL, limit);
  }

  /** The audit trail, newest first, narrowed by a search. */
  public List<Action> list(AuditTrail.Search search, int limit) {
    return audit.list(search, limit);
  }

  /**
   * Retention: deletes resolved and discarded letters closed longer ago than {@code olderThan}.
   * Open, replaying and parked letters are never pruned, however old.
   */
  public long prune(Duration olderThan, boolean dryRun) {
    if (olderThan.isNegative() || olderThan.isZero()) {
      throw OperatorError.badInput("--older-than must be a positive age, such as 30d");
    }
    String condition =
        " WHERE status IN ("
            + LetterStatus.sqlList(LetterStatus.CLOSED)
            + ")"
            + " AND closed_at < now() - make_interval(secs => :age)";
    long count =
        jdbi.withHandle(
            h ->
                dryRun
                    ? h.createQuery("SELECT count(*) FROM dead_letters" + condition)
                        .bind("age", (double) olderThan.toSeconds())
                        .mapTo(Long.class)
                        .one()
                    : h.createUpdate("DELETE FROM dead_letters" + condition)
                        .bind("age", (double) olderThan.toSeconds())
                        .execute());
    if (!dryRun) {
      pruned.mark(count);
    }
    return count;
  }
}
