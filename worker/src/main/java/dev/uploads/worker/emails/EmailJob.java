package dev.uploads.worker.emails;

import dev.uploads.schema.EmailSent;
import dev.uploads.schema.EventEnvelope;
import dev.uploads.schema.EventJson;
import dev.uploads.schema.Outbox;
import dev.uploads.schema.UploadThumbnailed;
import dev.uploads.worker.runtime.Delivery;
import dev.uploads.worker.runtime.Job;
import dev.uploads.worker.runtime.PermanentFailure;
import dev.uploads.worker.runtime.ProcessedEvents;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code upload.thumbnailed} → "your upload is ready" over SMTP, then one transaction records the
 * delivery and announces {@code email.sent}. The Message-ID is derived from the event id, so a mail
 * sent again after a crash is the same message to every mail system downstream.
 */
public final class EmailJob implements Job {
  public static final String NAME = "emails";

  private final Jdbi jdbi;
  private final Mailer mailer;
  private final CircuitBreaker smtp;

  public EmailJob(Jdbi jdbi, Mailer mailer, CircuitBreaker smtp) {
    this.jdbi = jdbi;
    this.mailer = mailer;
    this.smtp = smtp;
  }

  public static String messageId(UUID eventId) {
    return "<" + eventId + "@uploads.local>";
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> handles() {
    return Set.of(UploadThumbnailed.TYPE);
  }

  /**
   * Mails recorded per transaction. Each mail is sent first, one by one on a pooled connection;
   * then one transaction records the batch's deliveries and appends its events. A crash between the
   * sends and the commit sends the batch's mails again, each with its Message-ID, as a crash after
   * one send does today for that one.
   */
  public static final int BATCH = 16;

  @Override
  public int batchSize() {
    return BATCH;
  }

  @Override
  public Outcome apply(Delivery delivery) throws Exception {
    UUID eventId = delivery.requireEventId();
    UploadThumbnailed ready = parse(delivery);
    EmailDao.Before before = EmailDao.before(jdbi, eventId, ready.accountId());
    if (before.seen()) {
      return Outcome.DUPLICATE;
    }
    EmailDao.Sent sent = send(eventId, ready, before.recipient());
    // A record may carry no traceparent: singletonMap, unlike Map.of, keeps a null value.
    Map<EmailDao.Sent, String> traceparents =
        Collections.singletonMap(sent, delivery.traceparent());
    return jdbi.inTransaction(h -> commit(h, traceparents)).contains(eventId)
        ? Outcome.APPLIED
        : Outcome.DUPLICATE;
  }

  /**
   * The batch: one query finds duplicates and addresses, the mails go out, and one transaction
   * records them. A delivery that fails on its own (a payload, an address, the SMTP server, an open
   * breaker) is left to the one-by-one path, which retries or dead-letters it.
   */
  @Override
  public List<Outcome> applyAll(List<Delivery> deliveries) throws Exception {
    Outcome[] outcomes = new Outcome[deliveries.size()];
    UploadThumbnailed[] parsed = new UploadThumbnailed[deliveries.size()];
    Set<UUID> ids = new HashSet<>();
    Set<UUID> accounts = new HashSet<>();
    for (int i = 0; i < deliveries.size(); i++) {
      Delivery delivery = deliveries.get(i);
      try {
        parsed[i] = parse(delivery);
        ids.add(delivery.requireEventId());
        accounts.add(parsed[i].accountId());
      } catch (PermanentFailure e) {
        outcomes[i] = Outcome.ALONE;
      }
    }
    EmailDao.BeforeAll before = EmailDao.beforeAll(jdbi, ids, accounts);
    Set<String> leftOut = new HashSet<>();
    Map<Integer, EmailDao.Sent> sent = new LinkedHashMap<>();
    for (int i = 0; i < deliveries.size(); i++) {
      Delivery delivery = deliveries.get(i);
      if (outcomes[i] != null || leftOut.contains(delivery.key())) {
        outcomes[i] = Outcome.ALONE;
        leftOut.add(delivery.key());
      } else if (before.seen().contains(delivery.eventId())) {
        outcomes[i] = Outcome.DUPLICATE;
      } else {
        try {
          UploadThumbnailed ready = parsed[i];
          sent.put(
              i,
              send(
                  delivery.eventId(),
                  ready,
                  Optional.ofNullable(before.recipients().get(ready.accountId()))));
        } catch (Exception e) {
          outcomes[i] = Outcome.ALONE;
          leftOut.add(delivery.key());
        }
      }
    }
    if (!sent.isEmpty()) {
      Map<EmailDao.Sent, String> traceparents = new LinkedHashMap<>();
      sent.forEach((i, m) -> traceparents.put(m, deliveries.get(i).traceparent()));
      Set<UUID> fresh = jdbi.inTransaction(h -> commit(h, traceparents));
      // remove: a second delivery of one event in the same batch is a duplicate too
      sent.forEach(
          (i, s) -> outcomes[i] = fresh.remove(s.eventId()) ? Outcome.APPLIED : Outcome.DUPLICATE);
    }
    return Arrays.asList(outcomes);
  }

  private static UploadThumbnailed parse(Delivery delivery) throws PermanentFailure {
    try {
      return EventJson.read(delivery.value(), UploadThumbnailed.class);
    } catch (IOException | RuntimeException e) {
      throw new PermanentFailure("upload.thumbnailed payload does not parse", e);
    }
  }

  /** Sends the "ready" mail for the event over SMTP, through the breaker. */
  private EmailDao.Sent send(UUID eventId, UploadThumbnailed ready, Optional<String> address)
      throws Exception {
    String recipient =
        address.orElseThrow(
            () -> new PermanentFailure("account " + ready.accountId() + " does not exist"));
    String messageId = messageId(eventId);
    smtp.executeCallable(
        () -> {
          mailer.send(
              recipient,
              messageId,
              "Your upload is ready",
              "Your upload "
                  + ready.uploadId()
                  + " is ready, with "
                  + ready.thumbnails().size()
                  + " thumbnails.\n");
          return null;
        });
    return new EmailDao.Sent(eventId, ready.uploadId(), ready.accountId(), recipient, messageId);
  }

  /**
   * One transaction for mails sent: marks their events applied and, for those marked now, records
   * the deliveries and appends {@code email.sent}; returns the events marked now. Mails of one
   * event delivered twice are one key of {@code traceparents}, so they are recorded once.
   */
  private static Set<UUID> commit(Handle h, Map<EmailDao.Sent, String> traceparents) {
    Set<UUID> marked =
        ProcessedEvents.markAll(
            h, NAME, traceparents.keySet().stream().map(EmailDao.Sent::eventId).toList());
    List<EmailDao.Sent> rows =
        traceparents.keySet().stream().filter(m -> marked.contains(m.eventId())).toList();
    if (!rows.isEmpty()) {
      EmailDao.lockUploads(h, rows.stream().map(EmailDao.Sent::upload).toList());
      EmailDao.recordDeliveries(h, rows);
      Outbox.appendAll(
          h,
          rows.stream()
              .map(
                  m ->
                      EventEnvelope.of(
                          new EmailSent(m.upload(), m.account(), m.recipient(), m.messageId()),
                          Instant.now(),
                          traceparents.get(m)))
              .toList());
    }
    return marked;
  }
}
