package dev.uploads.worker.emails;

import dev.uploads.worker.runtime.ProcessedEvents;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  /** {@link #before} for a batch: the events applied already, and each account's address. */
  record BeforeAll(Set<UUID> seen, Map<UUID, String> recipients) {}

  static BeforeAll beforeAll(Jdbi jdbi, Collection<UUID> eventIds, Collection<UUID> accounts) {
    return jdbi.withHandle(
        h -> {
          Set<UUID> seen = ProcessedEvents.seenAmong(h, EmailJob.NAME, eventIds);
          Map<UUID, String> recipients = new HashMap<>();
          h.createQuery("SELECT id, email FROM accounts WHERE id = ANY(CAST(:ids AS uuid[]))")
              .bindArray("ids", UUID.class, List.copyOf(accounts))
              .map((rs, ctx) -> Map.entry(rs.getObject("id", UUID.class), rs.getString("email")))
              .forEach(e -> recipients.put(e.getKey(), e.getValue()));
          return new BeforeAll(seen, recipients);
        });
  }

  /**
   * Locks the uploads' rows, so their events enter the outbox in commit order; in id order, so that
   * concurrent batches never deadlock.
   */
  static void lockUploads(Handle h, Collection<UUID> uploads) {
    h.createQuery(
            "SELECT id FROM uploads WHERE id = ANY(CAST(:ids AS uuid[])) ORDER BY id FOR UPDATE")
        .bindArray("ids", UUID.class, List.copyOf(uploads))
        .mapTo(UUID.class)
        .list();
  }

  /** One mail sent, as {@code email_deliveries} records it. */
  record Sent(UUID eventId, UUID upload, UUID account, String recipient, String messageId) {}

  /** The mails' deliveries, in one statement. */
  static void recordDeliveries(Handle h, List<Sent> sent) {
    List<UUID> events = new ArrayList<>();
    List<UUID> uploads = new ArrayList<>();
    List<UUID> accounts = new ArrayList<>();
    List<String> recipients = new ArrayList<>();
    List<String> messageIds = new ArrayList<>();
    for (Sent s : sent) {
      events.add(s.eventId());
      uploads.add(s.upload());
      accounts.add(s.account());
      recipients.add(s.recipient());
      messageIds.add(s.messageId());
    }
    h.createUpdate(
            """
            INSERT INTO email_deliveries (event_id, upload_id, account_id, recipient, message_id)
            SELECT * FROM unnest(CAST(:events AS uuid[]), CAST(:uploads AS uuid[]),
                                 CAST(:accounts AS uuid[]), CAST(:recipients AS text[]),
                                 CAST(:messageIds AS text[]))
            """)
        .bindArray("events", UUID.class, events)
        .bindArray("uploads", UUID.class, uploads)
        .bindArray("accounts", UUID.class, accounts)
        .bindArray("recipients", String.class, recipients)
        .bindArray("messageIds", String.class, messageIds)
        .execute();
  }
}
