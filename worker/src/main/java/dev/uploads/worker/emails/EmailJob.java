package dev.uploads.worker.emails;

import dev.uploads.schema.EmailSent;
import dev.uploads.schema.EventEnvelope;
import dev.uploads.schema.EventHeaders;
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
import java.util.Set;
import java.util.UUID;
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

  @Override
  public Outcome apply(Delivery delivery) throws Exception {
    UUID eventId = delivery.requireEventId();
    UploadThumbnailed ready;
    try {
      ready = EventJson.read(delivery.value(), UploadThumbnailed.class);
    } catch (IOException | RuntimeException e) {
      throw new PermanentFailure("upload.thumbnailed payload does not parse", e);
    }
    EmailDao.Before before = EmailDao.before(jdbi, eventId, ready.accountId());
    if (before.seen()) {
      return Outcome.DUPLICATE;
    }
    String recipient =
        before
            .recipient()
            .orElseThrow(
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
    return jdbi.inTransaction(
        h -> {
          if (!ProcessedEvents.mark(h, NAME, eventId)) {
            h.rollback();
            return Outcome.DUPLICATE;
          }
          EmailDao.lockUpload(h, ready.uploadId());
          EmailDao.recordDelivery(
              h, eventId, ready.uploadId(), ready.accountId(), recipient, messageId);
          Outbox.append(
              h,
              EventEnvelope.of(
                  new EmailSent(ready.uploadId(), ready.accountId(), recipient, messageId),
                  Instant.now(),
                  delivery.header(EventHeaders.TRACEPARENT)));
          return Outcome.APPLIED;
        });
  }
}
