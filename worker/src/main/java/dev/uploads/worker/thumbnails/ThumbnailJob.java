package dev.uploads.worker.thumbnails;

import dev.uploads.schema.EventEnvelope;
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
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
  private final UploadMetrics metrics;

  /**
   * Makes a batch's thumbnails in parallel, one image per core at a time. A lane works through its
   * batch alone, and a poll of a few large photos is one batch: made one after another they used
   * one core of the machine. Shared by the job's lanes, so the images decoded at once, and the
   * memory they take, stay at one per core however many lanes run. Its threads end when idle.
   */
  private final ThreadPoolExecutor makers;

  public ThumbnailJob(
      Jdbi jdbi,
      BlobStore blobs,
      CircuitBreaker blobBreaker,
      Thumbnailer thumbnailer,
      UploadMetrics metrics) {
    this.jdbi = jdbi;
    this.blobs = blobs;
    this.blobBreaker = blobBreaker;
    this.thumbnailer = thumbnailer;
    this.metrics = metrics;
    int cores = Runtime.getRuntime().availableProcessors();
    this.makers =
        new ThreadPoolExecutor(
            cores,
            cores,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "job-" + NAME + "-make");
              t.setDaemon(true);
              return t;
            });
    makers.allowCoreThreadTimeOut(true);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> handles() {
    return Set.of(UploadReceived.TYPE);
  }

  /**
   * Uploads made ready per transaction. The batch's thumbnails are made and stored first, in
   * parallel; then one transaction marks the whole batch processed and ready and appends its
   * events, so a batch shares one commit and six statements instead of seven per upload.
   */
  public static final int BATCH = 8;

  @Override
  public int batchSize() {
    return BATCH;
  }

  @Override
  public Outcome apply(Delivery delivery) throws Exception {
    UUID eventId = delivery.requireEventId();
    UploadReceived upload = parse(delivery);
    if (ProcessedEvents.seen(jdbi, NAME, eventId)) {
      return Outcome.DUPLICATE;
    }
    Made made = make(upload, delivery);
    return jdbi.inTransaction(h -> commit(h, List.of(made))).contains(eventId)
        ? Outcome.APPLIED
        : Outcome.DUPLICATE;
  }

  /**
   * The batch: duplicates are found with one query, thumbnails are made and stored for the rest (in
   * parallel, see {@link #makers}), and one transaction records them. A delivery that fails on its
   * own (a payload, a blob, an image, an open breaker) is left to the one-by-one path, which
   * retries or dead-letters it, and so is every later delivery of its key, whose thumbnails are
   * made again there; an upload missing from the database fails the batch, which then runs one by
   * one too. Every making has ended before this returns, so none overlaps the one-by-one path; only
   * an interrupt (the worker stopping) returns earlier, and nothing runs after it.
   */
  @Override
  public List<Outcome> applyAll(List<Delivery> deliveries) throws Exception {
    Outcome[] outcomes = new Outcome[deliveries.size()];
    Set<UUID> ids = new HashSet<>();
    for (Delivery delivery : deliveries) {
      if (delivery.eventId() != null) {
        ids.add(delivery.eventId());
      }
    }
    Set<UUID> seen = jdbi.withHandle(h -> ProcessedEvents.seenAmong(h, NAME, ids));
    Map<Integer, Future<Made>> making = new LinkedHashMap<>();
    for (int i = 0; i < deliveries.size(); i++) {
      Delivery delivery = deliveries.get(i);
      if (delivery.eventId() != null && !seen.contains(delivery.eventId())) {
        making.put(i, makers.submit(() -> make(parse(delivery), delivery)));
      }
    }
    Set<String> leftOut = new HashSet<>();
    Map<Integer, Made> made = new LinkedHashMap<>();
    for (int i = 0; i < deliveries.size(); i++) {
      Delivery delivery = deliveries.get(i);
      Future<Made> result = making.get(i);
      Made m = null;
      boolean failed = false;
      if (result != null) {
        try {
          m = result.get();
        } catch (ExecutionException e) {
          failed = true;
        }
      }
      if (delivery.eventId() == null || leftOut.contains(delivery.key())) {
        outcomes[i] = Outcome.ALONE;
      } else if (seen.contains(delivery.eventId())) {
        outcomes[i] = Outcome.DUPLICATE;
      } else if (failed) {
        outcomes[i] = Outcome.ALONE;
        leftOut.add(delivery.key());
      } else {
        made.put(i, m);
      }
    }
    if (!made.isEmpty()) {
      Set<UUID> fresh = jdbi.inTransaction(h -> commit(h, made.values()));
      made.forEach(
          (i, done) ->
              // remove: a second delivery of one event in the same batch is a duplicate too
              outcomes[i] = fresh.remove(done.eventId()) ? Outcome.APPLIED : Outcome.DUPLICATE);
    }
    return Arrays.asList(outcomes);
  }

  private Set<UUID> commit(Handle h, Collection<Made> batch) throws PermanentFailure {
    Set<UUID> fresh = ProcessedEvents.markAll(h, NAME, batch.stream().map(Made::eventId).toList());
    Map<UUID, Made> applied = new LinkedHashMap<>();
    for (Made m : batch) {
      if (fresh.contains(m.eventId())) {
        applied.putIfAbsent(m.eventId(), m);
      }
    }
    if (applied.isEmpty()) {
      return fresh;
    }
    List<UUID> uploads = applied.values().stream().map(Made::upload).toList();
    // Lock the uploads first: their events then enter the outbox in commit order.
    Set<UUID> missing = new HashSet<>(uploads);
    missing.removeAll(ThumbnailDao.lockAll(h, uploads));
    if (!missing.isEmpty()) {
      throw new PermanentFailure("upload " + missing.iterator().next() + " does not exist");
    }
    ThumbnailDao.insertAll(h, applied.values().stream().flatMap(m -> m.rows().stream()).toList());
    List<Double> waited = ThumbnailDao.markAllReady(h, uploads);
    h.afterCommit(() -> metrics.ready(waited));
    Outbox.appendAll(h, applied.values().stream().map(Made::event).toList());
    return fresh;
  }

  /** An upload's thumbnails, made and stored: the rows and the event that record them. */
  private record Made(
      UUID eventId, UUID upload, List<ThumbnailDao.Row> rows, EventEnvelope event) {}

  /** Reads the upload, makes its thumbnails and stores them under keys derived from its id. */
  private Made make(UploadReceived upload, Delivery delivery) throws Exception {
    UUID eventId = delivery.requireEventId();
    // A missing blob is the store's answer, not its failure: the breaker sees a success, the
    // retries see the MissingBlobException (see there).
    Blob original = blobBreaker.executeCallable(() -> read(upload.blobKey()));
    if (original.missing() != null) {
      throw new MissingBlobException(upload.blobKey(), original.missing());
    }
    List<Thumbnail> thumbnails;
    try {
      thumbnails = thumbnailer.make(original.bytes());
    } catch (UndecodableImageException | ImageTooLargeException e) {
      throw new PermanentFailure(e.getMessage(), e);
    }
    List<ThumbnailDao.Row> rows = new ArrayList<>();
    List<UploadThumbnailed.Thumbnail> stored = new ArrayList<>();
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (Thumbnail thumbnail : thumbnails) {
      String key = "thumbnails/" + upload.uploadId() + "/" + thumbnail.requestedWidth() + ".jpg";
      files.put(key, thumbnail.bytes());
      rows.add(
          new ThumbnailDao.Row(
              upload.uploadId(),
              thumbnail.requestedWidth(),
              thumbnail.width(),
              thumbnail.height(),
              key));
      stored.add(new UploadThumbnailed.Thumbnail(thumbnail.width(), thumbnail.height(), key));
    }
    blobBreaker.executeCallable(
        () -> {
          blobs.putDerivedAll(files);
          return null;
        });
    EventEnvelope event =
        EventEnvelope.of(
            new UploadThumbnailed(upload.uploadId(), upload.accountId(), stored),
            Instant.now(),
            delivery.traceparent());
    return new Made(eventId, upload.uploadId(), rows, event);
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
      handle.afterCommit(() -> metrics.failed(failure.code()));
      Outbox.append(
          handle,
          EventEnvelope.of(
              new UploadFailed(upload.uploadId(), upload.accountId(), failure.code()),
              Instant.now(),
              delivery.traceparent()));
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
