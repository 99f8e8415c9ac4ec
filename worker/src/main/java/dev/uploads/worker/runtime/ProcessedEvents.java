package dev.uploads.worker.runtime;

import java.util.UUID;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The idempotency record: which events each job has applied. */
public interface ProcessedEvents {
  /** False when the job already applied the event: the caller rolls its transaction back. */
  @SqlUpdate(
      """
      INSERT INTO processed_events (job, event_id) VALUES (:job, :eventId)
      ON CONFLICT DO NOTHING
      """)
  boolean mark(@Bind("job") String job, @Bind("eventId") UUID eventId);

  /** A cheap check before an external effect that the marker's transaction cannot undo. */
  @SqlQuery(
      "SELECT EXISTS (SELECT 1 FROM processed_events WHERE job = :job AND event_id = :eventId)")
  boolean seen(@Bind("job") String job, @Bind("eventId") UUID eventId);
}
