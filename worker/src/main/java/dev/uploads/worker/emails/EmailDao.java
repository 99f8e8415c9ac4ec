package dev.uploads.worker.emails;

import dev.uploads.worker.runtime.ProcessedEvents;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The emails job's statements, bound explicitly: they run for every mail, and SqlObject's per-call
 * proxy and config copies cost more CPU than the queries.
 */
final class EmailDao {
  private EmailDao() {}

  /** Whether the job already applied the event, and the account's address; one round trip. */
  record Before(boolean seen, Optional<String> recipient) {}

  static Before before(Jdbi jdbi, UUID eventId, UUID account) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + ProcessedEvents.SEEN
                        + " AS seen, (SELECT email FROM accounts WHERE id = :account) AS recipient")
                .bind("job", EmailJob.NAME)
                .bind("eventId", eventId)
                .bind("account", account)
                .map(
                    (rs, ctx) ->
                        new Before(
                            rs.getBoolean("seen"), Optional.ofNullable(rs.getString("recipient"))))
                .one());
  }

  /** Locks the upload's row, so its events enter the outbox in commit order. */
  static boolean lockUpload(Handle h, UUID upload) {
    return h.createQuery("SELECT id FROM uploads WHERE id = :id FOR UPDATE")
        .bind("id", upload)
        .mapTo(UUID.class)
        .findOne()
        .isPresent();
  }

  static void recordDelivery(
      Handle h, UUID eventId, UUID upload, UUID account, String recipient, String messageId) {
    h.createUpdate(
            """
            INSERT INTO email_deliveries (event_id, upload_id, account_id, recipient, message_id)
            VALUES (:eventId, :upload, :account, :recipient, :messageId)
            """)
        .bind("eventId", eventId)
        .bind("upload", upload)
        .bind("account", account)
        .bind("recipient", recipient)
        .bind("messageId", messageId)
        .execute();
  }
}
