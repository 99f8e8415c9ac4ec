package dev.uploads.worker.thumbnails;

import dev.uploads.schema.EventEnvelope;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.EventJson;
import dev.uploads.schema.Outbox;
import dev.uploads.schema.UploadFailed;
import dev.uploads.schema.UploadReceived;
import dev.uploads.schema.UploadThumbnailed;
import dev.uploads.schema.blob.BlobStore;
import dev.uploads.worker.runtime.Delivery;
import dev.uploads.worker.runtime.Job;
import dev.uploads.worker.runtime.PermanentFailure;
import dev.uploads.worker.runtime.ProcessedEvents;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code upload.received} → thumbnails in the blob store under deterministic keys, then one
 * transaction marks the upload ready, lists its thumbnails and announces {@code
 * upload.thumbnailed}. When the job gives up, the upload becomes {@code failed}.
 */
public final class ThumbnailJob implements Job {
  public static final String NAME = "thumbnails";

  private final Jdbi jdbi;
  private final BlobStore blobs;
  private final CircuitBreaker blobBreaker;
  private final Thumbnailer thumbnailer;

  public ThumbnailJob(
      Jdbi jdbi, BlobStore blobs, CircuitBreaker blobBreaker, Thumbnailer thumbnailer) {
    this.jdbi = jdbi;
    this.blobs = blobs;
    this.blobBreaker = blobBreaker;
    this.thumbnailer = thumbnailer;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> handles() {
    return Set.of(UploadReceived.TYPE);
  }

  @Override
  public Outcome apply(Delivery delivery) throws Exception {
    UUID eventId = delivery.requireEventId();
    UploadReceived upload = parse(delivery);
    if (ProcessedEvents.seen(jdbi, NAME, eventId)) {
      return Outcome.DUPLICATE;
    }
    // A missing blob is the store's answer, not its failure: the breaker sees a success, the
    // retries see the MissingBlobException (see there).
    Blob original = blobBreaker.executeCallable(() -> read(upload.blobKey()));
    if (original.missing() != null) {
      throw new MissingBlobException(upload.blobKey(), original.missing());
    }
    List<Thumbnail> made;
    try {
      made = thumbnailer.make(original.bytes());
    } catch (UndecodableImageException | ImageTooLargeException e) {
      throw new PermanentFailure(e.getMessage(), e);
    }
    List<UploadThumbnailed.Thumbnail> stored = new ArrayList<>();
    for (Thumbnail thumbnail : made) {
      String key = "thumbnails/" + upload.uploadId() + "/" + thumbnail.requestedWidth() + ".jpg";
      blobBreaker.executeCallable(
          () -> {
            blobs.putDerived(key, thumbnail.bytes());
            return null;
          });
      stored.add(new UploadThumbnailed.Thumbnail(thumbnail.width(), thumbnail.height(), key));
    }
    return jdbi.inTransaction(
        h -> {
          if (!ProcessedEvents.mark(h, NAME, eventId)) {
            h.rollback();
            return Outcome.DUPLICATE;
          }
          // Lock the upload first: its events then enter the outbox in commit order.
          if (ThumbnailDao.lock(h, upload.uploadId()).isEmpty()) {
            throw new PermanentFailure("upload " + upload.uploadId() + " does not exist");
          }
          for (int i = 0; i < made.size(); i++) {
            Thumbnail t = made.get(i);
            ThumbnailDao.insertThumbnail(
                h,
                upload.uploadId(),
                t.requestedWidth(),
                t.width(),
                t.height(),
                stored.get(i).blobKey());
          }
          ThumbnailDao.markReady(h, upload.uploadId());
          Outbox.append(
              h,
              EventEnvelope.of(
                  new UploadThumbnailed(upload.uploadId(), upload.accountId(), stored),
                  Instant.now(),
                  delivery.header(EventHeaders.TRACEPARENT)));
          return Outcome.APPLIED;
        });
  }

  @Override
  public void gaveUp(Handle handle, Delivery delivery, Throwable last) {
    UploadReceived upload;
    try {
      upload = parse(delivery);
    } catch (PermanentFailure e) {
      return; // nothing identifies an upload to mark failed
    }
    UploadFailure failure = UploadFailure.of(last);
    if (ThumbnailDao.lock(handle, upload.uploadId()).isPresent()
        && ThumbnailDao.markFailed(handle, upload.uploadId(), failure) > 0) {
      Outbox.append(
          handle,
          EventEnvelope.of(
              new UploadFailed(upload.uploadId(), upload.accountId(), failure.code()),
              Instant.now(),
              delivery.header(EventHeaders.TRACEPARENT)));
    }
  }

  private static UploadReceived parse(Delivery delivery) throws PermanentFailure {
    try {
      return EventJson.read(delivery.value(), UploadReceived.class);
    } catch (IOException | RuntimeException e) {
      throw new PermanentFailure("upload.received payload does not parse", e);
    }
  }

  private Blob read(String key) throws IOException {
    try (InputStream in = blobs.open(key)) {
      return new Blob(in.readAllBytes(), null);
    } catch (NoSuchFileException e) {
      return new Blob(null, e);
    }
  }

  /** The bytes of a blob, or why the store has none. */
  private record Blob(byte[] bytes, NoSuchFileException missing) {}
}
