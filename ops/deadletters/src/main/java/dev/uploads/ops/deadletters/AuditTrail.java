package dev.uploads.ops.deadletters;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The reading side of {@code dead_letter_actions}: actions as operators see them. */
final class AuditTrail {
  /** A running action whose runner has not been heard from for this long was interrupted. */
  static final Duration STALE = Duration.ofSeconds(30);

  private final Jdbi jdbi;

  AuditTrail(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  Actions.Action action(long id) {
    return actions(id, 1).stream()
        .findFirst()
        .orElseThrow(() -> OperatorError.notFound("no action has id " + id));
  }

  /** The audit trail, newest first. */
  List<Actions.Action> list(int limit) {
    if (limit < 1 || limit > Letters.MAX_PAGE) {
      throw OperatorError.badInput(
          "--limit must be between 1 and " + Letters.MAX_PAGE + ", not " + limit);
    }
    return actions(null, limit);
  }

  private List<Actions.Action> actions(Long id, int limit) {
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
}
