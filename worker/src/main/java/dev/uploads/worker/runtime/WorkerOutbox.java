package dev.uploads.worker.runtime;

import dev.uploads.schema.EventEnvelope;
import dev.uploads.schema.Outbox;
import java.time.Instant;
import java.util.UUID;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The worker's writes to the outbox, always inside the transaction of the change they announce. */
public interface WorkerOutbox {
  @SqlUpdate(Outbox.INSERT)
  void insert(@BindMethods EventEnvelope event);

  /** A record whose value is kept byte for byte, such as a dead letter's original payload. */
  @SqlUpdate(Outbox.INSERT)
  void insertRecord(
      @Bind("topic") String topic,
      @Bind("key") String key,
      @Bind("eventId") UUID eventId,
      @Bind("type") String type,
      @Bind("version") int version,
      @Bind("occurredAt") Instant occurredAt,
      @Bind("traceparent") String traceparent,
      @Bind("headers") String headersJson,
      @Bind("payload") byte[] payload);
}
