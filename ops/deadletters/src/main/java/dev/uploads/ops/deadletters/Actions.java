package dev.uploads.ops.deadletters;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.Outbox;
import dev.uploads.schema.Topics;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The changing side: replays and discards, each recorded in {@code dead_letter_actions} with the
 * letters it selected. A replay sends each letter to {@code <job>.redrive} through the outbox, in
 * one transaction with the letter's new status and the mark that it was sent, so a replay that is
 * stopped at any point and resumed sends every letter exactly once.
 */
public final class Actions {
  /** A running action whose runner has not been heard from for this long was interrupted. */
  static final Duration STALE = Duration.ofSeconds(30);

  private static final long LOCK_CLASS = 0x0DEAD;
  private final Jdbi jdbi;
  private final Meter replayed;
  private final Meter discarded;
  private final Meter pruned;

  public Actions(Jdbi jdbi, MetricRegistry metrics) {
    this.jdbi = jdbi;
    this.replayed = metrics.meter("dead-letters.replayed");
    this.discarded = metrics.meter("dead-letters.discarded");
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
    return jdbi.withHandle(h -> plan(h, request));
  }

  private Plan plan(Handle h, ActionRequest request) {
    LetterFilter filter = request.filter();
    if (filter.ids().isEmpty() && filter.statuses().isEmpty()) {
      // A filter without statuses means the letters that still need someone: open and parked.
      filter =
          new LetterFilter(
              null,
              filter.job(),
              List.of("open", "parked"),
              filter.fingerprint(),
              filter.exceptionClass(),
              filter.key(),
              filter.eventType(),
              filter.since(),
              filter.until());
    }
    LetterFilter.Where where = filter.where();
    int ceiling = ActionRequest.MAX_LIMIT + 1;
    List<Letters.Letter> matched =
        where
            .bind(
                h.createQuery(
                    "SELECT d.id, d.job, d.status, d.event_type, d.event_key, d.event_id,"
                        + " d.exception_class, d.message, d.fingerprint, d.attempt_count,"
                        + " d.replay_count, d.first_failed_at, d.last_failed_at"
                        + " FROM dead_letters d"
                        + where.sql()
                        + " ORDER BY d.id LIMIT :ceiling"))
            .bind("ceiling", ceiling)
            .map((rs, ctx) -> Letters.letter(rs))
            .list();
    if (!request.filter().ids().isEmpty()) {
      for (Long id : request.filter().ids()) {
        if (matched.stream().noneMatch(l -> l.id() == id)) {
          boolean exists =
              h.createQuery("SELECT count(*) FROM dead_letters WHERE id = :id")
                      .bind("id", id)
                      .mapTo(Long.class)
                      .one()
                  > 0;
          throw exists
              ? OperatorError.conflict("dead letter " + id + " does not match the other criteria")
              : OperatorError.notFound("no dead letter has id " + id);
        }
      }
    }
    List<Planned> planned = new ArrayList<>();
    int included = 0;
    for (Letters.Letter letter : matched) {
      String refusal = refusal(request, letter);
      planned.add(new Planned(letter, refusal == null, refusal));
      if (refusal == null) {
        included++;
      } else if (!request.filter().ids().isEmpty()) {
        throw OperatorError.conflict(
            "dead letter " + letter.id() + " cannot be " + past(request.kind()) + ": " + refusal);
      }
    }
    if (included == 0) {
      throw OperatorError.conflict(
          "no dead letter matching "
              + Json.write(request.filter())
              + " can be "
              + past(request.kind())
              + (matched.isEmpty()
                  ? " (none matches)"
                  : ": " + planned.get(0).note() + (matched.size() > 1 ? ", …" : "")));
    }
    if (included > request.max()) {
      throw OperatorError.badInput(
          "the filter selects "
              + (matched.size() >= ceiling ? "more than " + ActionRequest.MAX_LIMIT : included)
              + " letters, more than the maximum of "
              + request.max()
              + " per "
              + request.kind().label()
              + ": narrow the filter, or raise --max if you mean all of them");
    }
    return new Plan(
        request.kind().label(),
        request.filter(),
        request.includeParked(),
        request.rate(),
        request.max(),
        included,
        planned.size() - included,
        planned);
  }

  /** Why a letter is left out of an action, or null when it is in. */
  private static String refusal(ActionRequest request, Letters.Letter letter) {
    switch (letter.status()) {
      case "open":
        break;
      case "parked":
        if (request.kind() == ActionRequest.Kind.REPLAY && !request.includeParked()) {
          return "parked after "
              + letter.replayCount()
              + " failed replays; replay it only with --include-parked";
        }
        break;
      case "replaying":
        return "a replay of it is in flight";
      default:
        return "it is already " + letter.status();
    }
    if (request.kind() == ActionRequest.Kind.REPLAY && letter.eventId() == null) {
      return "the record had no readable event id, so a replay cannot be told apart; discard it";
    }
    return null;
  }

  private static String past(ActionRequest.Kind kind) {
    return kind == ActionRequest.Kind.REPLAY ? "replayed" : "discarded";
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
      @JsonProperty("finished_at") Instant finishedAt) {}

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
              Plan plan = plan(h, request);
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
        Action action = action(actionId);
        if (!"running".equals(action.status()) && !"interrupted".equals(action.status())) {
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
            boolean sent = apply(kind, action, letterId);
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
          progress.accept(action(actionId));
        }
        notifyRelays();
        jdbi.useHandle(
            h ->
                h.createUpdate(
                        "UPDATE dead_letter_actions SET status = 'completed', error = NULL,"
                            + " finished_at = now(), heartbeat_at = now() WHERE id = :id")
                    .bind("id", actionId)
                    .execute());
        return action(actionId);
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

  /** Finishes an action that was stopped part-way: only the letters not yet done are taken. */
  public Action resume(long actionId, Consumer<Action> progress) {
    action(actionId); // not found is reported as such
    return run(actionId, progress);
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

  /** One letter of an action, in one transaction; false when it was skipped. */
  private boolean apply(ActionRequest.Kind kind, Action action, long letterId) {
    return jdbi.inTransaction(
        h -> {
          Optional<Boolean> done =
              h.createQuery(
                      "SELECT done_at IS NOT NULL FROM dead_letter_action_items"
                          + " WHERE action_id = :action AND letter_id = :letter FOR UPDATE")
                  .bind("action", action.id())
                  .bind("letter", letterId)
                  .mapTo(Boolean.class)
                  .findOne();
          if (done.isEmpty() || done.get()) {
            return false; // someone already did it: never twice
          }
          Optional<Map<String, Object>> letter =
              h.createQuery(
                      "SELECT id, job, status, event_id, event_key, event_type, payload,"
                          + " headers::text AS headers, source_timestamp, replay_count"
                          + " FROM dead_letters WHERE id = :id FOR UPDATE")
                  .bind("id", letterId)
                  .mapToMap()
                  .findOne();
          String skip = letter.isEmpty() ? "the letter no longer exists" : null;
          if (skip == null) {
            String status = (String) letter.get().get("status");
            boolean eligible =
                "open".equals(status) || ("parked".equals(status) && action.includeParked());
            if (kind == ActionRequest.Kind.DISCARD) {
              eligible = "open".equals(status) || "parked".equals(status);
            }
            if (!eligible) {
              skip = "it became " + status + " before its turn";
            }
          }
          if (skip != null) {
            finishItem(h, action.id(), letterId, null, "skipped", skip);
            h.createUpdate(
                    "UPDATE dead_letter_actions SET skipped = skipped + 1, heartbeat_at = now()"
                        + " WHERE id = :id")
                .bind("id", action.id())
                .execute();
            return false;
          }
          if (kind == ActionRequest.Kind.DISCARD) {
            h.createUpdate(
                    "UPDATE dead_letters SET status = 'discarded', closed_at = now(),"
                        + " updated_at = now() WHERE id = :id")
                .bind("id", letterId)
                .execute();
            finishItem(h, action.id(), letterId, null, "discarded", null);
          } else {
            int generation =
                h.createQuery(
                        "UPDATE dead_letters SET status = 'replaying',"
                            + " replay_count = replay_count + 1, updated_at = now()"
                            + " WHERE id = :id RETURNING replay_count")
                    .bind("id", letterId)
                    .mapTo(Integer.class)
                    .one();
            redrive(h, letter.get(), generation, action.id());
            finishItem(h, action.id(), letterId, generation, "sent", null);
          }
          h.createUpdate(
                  "UPDATE dead_letter_actions SET done = done + 1, heartbeat_at = now()"
                      + " WHERE id = :id")
              .bind("id", action.id())
              .execute();
          return true;
        });
  }

  /** The original record again, for the failed job only, with its event id and a generation. */
  private static void redrive(Handle h, Map<String, Object> letter, int generation, long action) {
    Map<String, String> original = Letters.headers((String) letter.get("headers"));
    Map<String, String> headers = new LinkedHashMap<>();
    original.forEach(
        (name, value) -> {
          if (!name.startsWith("dlt-") && !name.startsWith("replay-")) {
            headers.put(name, value);
          }
        });
    // The relay writes these from the outbox columns.
    for (String contract :
        List.of(
            EventHeaders.EVENT_ID,
            EventHeaders.EVENT_TYPE,
            EventHeaders.EVENT_VERSION,
            EventHeaders.TRACEPARENT,
            EventHeaders.OCCURRED_AT)) {
      headers.remove(contract);
    }
    headers.put(EventHeaders.REPLAY_GENERATION, Integer.toString(generation));
    headers.put(EventHeaders.REPLAY_ACTION, Long.toString(action));
    headers.put(EventHeaders.DLT_LETTER_ID, letter.get("id").toString());
    Instant occurredAt;
    try {
      occurredAt = Instant.parse(original.get(EventHeaders.OCCURRED_AT));
    } catch (RuntimeException e) {
      var timestamp = (java.sql.Timestamp) letter.get("source_timestamp");
      occurredAt = timestamp == null ? Instant.now() : timestamp.toInstant();
    }
    int version;
    try {
      version = Integer.parseInt(original.get(EventHeaders.EVENT_VERSION));
    } catch (RuntimeException e) {
      version = 1;
    }
    byte[] payload = (byte[]) letter.get("payload");
    Outbox.appendRecord(
        h,
        Topics.redrive((String) letter.get("job")),
        letter.get("event_key") == null ? "unkeyed" : (String) letter.get("event_key"),
        (UUID) letter.get("event_id"),
        (String) letter.get("event_type"),
        version,
        occurredAt,
        original.get(EventHeaders.TRACEPARENT),
        Json.write(headers),
        payload == null ? new byte[0] : payload);
  }

  private static void finishItem(
      Handle h, long action, long letter, Integer generation, String outcome, String note) {
    h.createUpdate(
            "UPDATE dead_letter_action_items SET done_at = now(), generation = :generation,"
                + " outcome = :outcome, note = :note"
                + " WHERE action_id = :action AND letter_id = :letter")
        .bind("generation", generation)
        .bind("outcome", outcome)
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

  public Action action(long id) {
    return actions(id, 1).stream()
        .findFirst()
        .orElseThrow(() -> OperatorError.notFound("no action has id " + id));
  }

  /** The audit trail, newest first. */
  public List<Action> list(int limit) {
    if (limit < 1 || limit > Letters.MAX_PAGE) {
      throw OperatorError.badInput(
          "--limit must be between 1 and " + Letters.MAX_PAGE + ", not " + limit);
    }
    return actions(null, limit);
  }

  private List<Action> actions(Long id, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT a.*, a.filter::text AS filter_text,"
                        + " (a.status = 'running' AND a.heartbeat_at < now() - make_interval("
                        + "secs => :stale)) AS stale,"
                        + " (SELECT jsonb_object_agg(o.outcome, o.n) FROM (SELECT"
                        + " coalesce(i.outcome, 'pending') AS outcome, count(*) AS n"
                        + " FROM dead_letter_action_items i WHERE i.action_id = a.id"
                        + " GROUP BY 1) o)::text AS outcomes"
                        + " FROM dead_letter_actions a"
                        + (id == null ? "" : " WHERE a.id = :id")
                        + " ORDER BY a.id DESC LIMIT :limit")
                .bind("stale", (double) STALE.toSeconds())
                .bind("id", id)
                .bind("limit", limit)
                .map(
                    (rs, ctx) -> {
                      try {
                        String outcomes = rs.getString("outcomes");
                        // Null is an unlimited replay; getDouble would read it as 0 letters/s.
                        Double rate = rs.getObject("rate_limit", Double.class);
                        return new Action(
                            rs.getLong("id"),
                            rs.getString("kind"),
                            rs.getString("operator"),
                            rs.getString("via"),
                            rs.getString("reason"),
                            Json.MAPPER.readTree(rs.getString("filter_text")),
                            rs.getBoolean("include_parked"),
                            rate,
                            rs.getInt("max_count"),
                            rs.getBoolean("stale") ? "interrupted" : rs.getString("status"),
                            rs.getInt("selected"),
                            rs.getInt("done"),
                            rs.getInt("skipped"),
                            outcomes == null
                                ? Map.of()
                                : Json.MAPPER.readValue(
                                    outcomes,
                                    new com.fasterxml.jackson.core.type.TypeReference<
                                        java.util.TreeMap<String, Long>>() {}),
                            rs.getString("error"),
                            Letters.instant(rs, "created_at"),
                            Letters.instant(rs, "finished_at"));
                      } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                      }
                    })
                .list());
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
        " WHERE status IN ('resolved', 'discarded')"
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
