package dev.uploads.worker.runtime;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The idempotency record: which events each job has applied. */
public final class ProcessedEvents {
  /**
   * Whether job {@code :job} has applied event {@code :eventId}: an SQL boolean expression, for
   * queries that ask it beside something else in the same round trip.
   */
  public static final String SEEN =
      "EXISTS (SELECT 1 FROM processed_events WHERE job = :job AND event_id = :eventId)";

  private ProcessedEvents() {}

  /**
   * Records that the job applied the event, in the transaction of the effect. False when it already
   * had: the caller rolls its transaction back. Bound explicitly: it runs for every event.
   */
  public static boolean mark(Handle handle, String job, UUID eventId) {
    return handle
            .createUpdate(
                "INSERT INTO processed_events (job, event_id) VALUES (:job, :eventId)"
                    + " ON CONFLICT DO NOTHING")
            .bind("job", job)
            .bind("eventId", eventId)
            .execute()
        == 1;
  }

  /**
   * A cheap check before an external effect that the marker's transaction cannot undo. Bound
   * explicitly, like every per-event statement of the jobs: SqlObject's per-call proxy and config
   * copies cost more CPU than the query.
   */
  public static boolean seen(Jdbi jdbi, String job, UUID eventId) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + SEEN)
                .bind("job", job)
                .bind("eventId", eventId)
                .mapTo(Boolean.class)
                .one());
  }

  /** Which of the events job {@code job} has applied already; one round trip for a batch. */
  public static Set<UUID> seenAmong(Handle handle, String job, Collection<UUID> eventIds) {
    if (eventIds.isEmpty()) {
      return new HashSet<>();
    }
    return new HashSet<>(
        handle
            .createQuery(
                "SELECT event_id FROM processed_events"
                    + " WHERE job = :job AND event_id = ANY(CAST(:events AS uuid[]))")
            .bind("job", job)
            .bindArray("events", UUID.class, List.copyOf(eventIds))
            .mapTo(UUID.class)
            .list());
  }

  /**
   * {@link #mark} for a batch in one statement: returns the events marked now. An event that
   * appears twice is marked once; the caller applies it once.
   */
  public static Set<UUID> markAll(Handle handle, String job, Collection<UUID> eventIds) {
    return new HashSet<>(
        handle
            .createQuery(
                "INSERT INTO processed_events (job, event_id)"
                    + " SELECT DISTINCT CAST(:job AS text), e FROM unnest(CAST(:events AS uuid[])) AS e"
                    + " ON CONFLICT DO NOTHING RETURNING event_id")
            .bind("job", job)
            .bindArray("events", UUID.class, List.copyOf(eventIds))
            .mapTo(UUID.class)
            .list());
  }
}
