package dev.uploads.worker.emails;

import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

public interface EmailDao {
  @SqlQuery("SELECT email FROM accounts WHERE id = :account")
  Optional<String> recipient(@Bind("account") UUID account);

  @SqlQuery("SELECT id FROM uploads WHERE id = :id FOR UPDATE")
  Optional<UUID> lockUpload(@Bind("id") UUID upload);

  @SqlUpdate(
      """
      INSERT INTO email_deliveries (event_id, upload_id, account_id, recipient, message_id)
      VALUES (:eventId, :upload, :account, :recipient, :messageId)
      """)
  void recordDelivery(
      @Bind("eventId") UUID eventId,
      @Bind("upload") UUID upload,
      @Bind("account") UUID account,
      @Bind("recipient") String recipient,
      @Bind("messageId") String messageId);
}
