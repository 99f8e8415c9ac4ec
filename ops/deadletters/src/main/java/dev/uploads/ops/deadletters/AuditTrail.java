package dev.uploads.ops.deadletters;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The reading side of {@code dead_letter_actions}: actions as operators see them. */
public final class AuditTrail {
  /** A running action whose runner has not been heard from for this long was interrupted. */
  static final Duration STALE = Duration.ofSeconds(30);

  private final Jdbi jdbi;

  AuditTrail(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * What to look for in the trail: any field may be null. {@code text} is found in the reason, the
   * operator's name or the filter; {@code letter} finds the actions that took that letter.
   */
  public record Search(String operator, String kind, String status, String text, Long letter) {
    public static final Search ALL = new Search(null, null, null, null, null);

    public Search {
      operator = blankToNull(operator);
      kind = blankToNull(kind);
      status = blankToNull(status);
      text = blankToNull(text);
      if (kind != null && !kind.equals("replay") && !kind.equals("discard")) {
        throw OperatorError.badInput("kind is replay or discard, not '" + kind + "'");
      }
      if (status != null) {
        ActionStatus.parse(status); // refuses an unknown one
      }
    }

    private static String blankToNull(String value) {
      return value == null || value.isBlank() ? null : value.trim();
    }
  }

  Actions.Action action(long id) {
    return actions(id, Search.ALL, 1).stream()
        .findFirst()
        .orElseThrow(() -> OperatorError.notFound("no action has id " + id));
  }

  /** The audit trail, newest first. */
  List<Actions.Action> list(Search search, int limit) {
    if (limit < 1 || limit > Letters.MAX_PAGE) {
      throw OperatorError.badInput(
          "--limit must be between 1 and " + Letters.MAX_PAGE + ", not " + limit);
    }
    return actions(null, search, limit);
  }

  /** A running action whose runner has gone quiet is shown, and searched for, as interrupted. */
  private static final String STALE_RUNNING =
      "(a.status = 'running' AND a.heartbeat_at < now() - make_interval(secs => :stale))";

  /** The search, fixed text: each criterion a typed parameter, null when left open. */
  private static final String SEARCH =
      " WHERE (CAST(:id AS bigint) IS NULL OR a.id = :id)"
          + " AND (CAST(:operator AS text) IS NULL OR a.operator = :operator)"
          + " AND (CAST(:kind AS text) IS NULL OR a.kind = :kind)"
          + " AND (CAST(:status AS text) IS NULL"
          + "      OR (:status = 'interrupted' AND "
          + STALE_RUNNING
          + ")"
          + "      OR (:status = 'running' AND a.status = 'running' AND NOT "
          + STALE_RUNNING
          + ")"
          + "      OR (:status NOT IN ('interrupted', 'running') AND a.status = :status))"
          + " AND (CAST(:text AS text) IS NULL OR strpos(lower(a.reason), lower(:text)) > 0"
          + "      OR strpos(lower(a.operator), lower(:text)) > 0"
          + "      OR strpos(lower(a.filter::text), lower(:text)) > 0)"
          + " AND (CAST(:letter AS bigint) IS NULL OR EXISTS (SELECT 1"
          + "      FROM dead_letter_action_items i WHERE i.action_id = a.id"
          + "      AND i.letter_id = :letter))";

  private List<Actions.Action> actions(Long id, Search search, int limit) {
    List<Actions.Action> found =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT a.*, a.filter::text AS filter_text, "
                            + STALE_RUNNING
                            + " AS stale,"
                            + " (SELECT jsonb_object_agg(o.outcome, o.n) FROM (SELECT"
                            + " coalesce(i.outcome, 'pending') AS outcome, count(*) AS n"
                            + " FROM dead_letter_action_items i WHERE i.action_id = a.id"
                            + " GROUP BY 1) o)::text AS outcomes"
                            + " FROM dead_letter_actions a"
                            + SEARCH
                            + " ORDER BY a.id DESC LIMIT :limit")
                    .bind("stale", (double) STALE.toSeconds())
                    .bind("id", id)
                    .bind("operator", search.operator())
                    .bind("kind", search.kind())
                    .bind("status", search.status())
                    .bind("text", search.text())
                    .bind("letter", search.letter())
                    .bind("limit", limit)
                    .map(
                        (rs, ctx) -> {
                          try {
                            String outcomes = rs.getString("outcomes");
                            // Null is an unlimited replay; getDouble would read it as 0 letters/s.
                            Double rate = rs.getObject("rate_limit", Double.class);
                            return new Actions.Action(
                                rs.getLong("id"),
                                rs.getString("kind"),
                                rs.getString("operator"),
                                rs.getString("via"),
                                rs.getString("reason"),
                                Json.MAPPER.readTree(rs.getString("filter_text")),
                                rs.getBoolean("include_parked"),
                                rate,
                                rs.getInt("max_count"),
                                rs.getBoolean("stale")
                                    ? ActionStatus.INTERRUPTED.label()
                                    : rs.getString("status"),
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
                                Letters.instant(rs, "finished_at"),
                                List.of());
                          } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                          }
                        })
                    .list());
    if (found.isEmpty()) {
      return found;
    }
    Map<Long, List<Actions.ControlRecord>> controls =
        jdbi
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT action_id, control, operator, via, reason, at"
                                + " FROM dead_letter_action_controls"
                                + " WHERE action_id = ANY(:ids) ORDER BY id")
                        .bind("ids", found.stream().map(Actions.Action::id).toArray(Long[]::new))
                        .map(
                            (rs, ctx) ->
                                Map.entry(
                                    rs.getLong("action_id"),
                                    new Actions.ControlRecord(
                                        rs.getString("control"),
                                        rs.getString("operator"),
                                        rs.getString("via"),
                                        rs.getString("reason"),
                                        Letters.instant(rs, "at"))))
                        .list())
            .stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    Map.Entry::getKey,
                    java.util.stream.Collectors.mapping(
                        Map.Entry::getValue, java.util.stream.Collectors.toList())));
    return found.stream()
        .map(
            a ->
                new Actions.Action(
                    a.id(),
                    a.kind(),
                    a.operator(),
                    a.via(),
                    a.reason(),
                    a.filter(),
                    a.includeParked(),
                    a.rate(),
                    a.max(),
                    a.status(),
                    a.selected(),
                    a.done(),
                    a.skipped(),
                    a.outcomes(),
                    a.error(),
                    a.createdAt(),
                    a.finishedAt(),
                    controls.getOrDefault(a.id(), List.of())))
        .toList();
  }
}
