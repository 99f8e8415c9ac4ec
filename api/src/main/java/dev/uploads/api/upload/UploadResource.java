package dev.uploads.api.upload;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import dev.uploads.api.auth.Account;
import dev.uploads.api.problem.ApiProblem;
import dev.uploads.schema.EventEnvelope;
import dev.uploads.schema.Outbox;
import dev.uploads.schema.UploadReceived;
import dev.uploads.schema.blob.BlobStore;
import dev.uploads.schema.blob.BlobStoreUnavailableException;
import dev.uploads.schema.blob.EmptyContentException;
import dev.uploads.schema.blob.StoredBlob;
import dev.uploads.schema.blob.TooLargeException;
import dev.uploads.schema.blob.UnsupportedImageException;
import dev.uploads.schema.trace.Hop;
import dev.uploads.schema.trace.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/uploads}: streams the bytes to the blob store, then commits the upload and its
 * {@code upload.received} event in one transaction.
 */
@Path("/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
public class UploadResource {
  private static final Logger LOG = LoggerFactory.getLogger(UploadResource.class);

  /** Room for multipart boundaries and part headers on top of the file itself. */
  private static final long MULTIPART_OVERHEAD = 64 * 1024;

  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
  private static final Pattern FILENAME_PARAM =
      Pattern.compile("filename=\"?([^\";]*)\"?", Pattern.CASE_INSENSITIVE);

  private final Jdbi jdbi;
  private final BlobStore blobs;
  private final long maxBytes;
  private final Meter clientTimeouts;
  private final Meter clientAborts;
  private final Tracing tracing;

  public UploadResource(
      Jdbi jdbi, BlobStore blobs, long maxBytes, MetricRegistry metrics, Tracing tracing) {
    this.jdbi = jdbi;
    this.tracing = tracing;
    this.blobs = blobs;
    this.maxBytes = maxBytes;
    this.clientTimeouts = metrics.meter("uploads.client-timeouts");
    this.clientAborts = metrics.meter("uploads.client-aborts");
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  public Response uploadForm(
      @Context SecurityContext security,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      InputStream body) {
    String key = validIdempotencyKey(idempotencyKey);
    rejectDeclaredLength(contentLength, maxBytes + MULTIPART_OVERHEAD);
    StoredBlob blob;
    String filename;
    try {
      MultipartFileStream file = MultipartFileStream.open(new ClientBody(body), contentType);
      blob = store(file);
      filename = file.filename();
    } catch (MalformedMultipartException e) {
      throw new ApiProblem.Malformed("Malformed multipart body: " + e.getMessage());
    } catch (IOException e) {
      throw unreadable(e);
    }
    return accept(account(security), blob, filename, key);
  }

  @POST
  @Consumes("image/*")
  public Response uploadRaw(
      @Context SecurityContext security,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @HeaderParam("Content-Disposition") String disposition,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      InputStream body) {
    String key = validIdempotencyKey(idempotencyKey);
    rejectDeclaredLength(contentLength, maxBytes);
    StoredBlob blob;
    try {
      blob = store(new ClientBody(body));
    } catch (IOException e) {
      throw unreadable(e);
    }
    return accept(account(security), blob, filenameOf(disposition), key);
  }

  private StoredBlob store(InputStream in) throws IOException {
    try {
      return blobs.put(in, maxBytes);
    } catch (TooLargeException e) {
      throw new ApiProblem.TooLarge("Uploads are limited to " + maxBytes + " bytes.");
    } catch (EmptyContentException e) {
      throw new ApiProblem.Malformed("The file is empty.");
    } catch (UnsupportedImageException e) {
      throw new ApiProblem.UnsupportedImage(
          "The content is not a JPEG, PNG, GIF or WebP image (judged by its bytes).");
    } catch (BlobStoreUnavailableException e) {
      // The store's multipart upload is already aborted; the request was fine, so a 503.
      LOG.warn("upload refused, blob store unavailable: {}", e.getMessage());
      throw new ApiProblem.BlobStoreUnavailable();
    }
  }

  /**
   * A body that could not be read whole. A stalled or vanished client is the network's doing, not a
   * fault of ours or of the body: one INFO line and a meter, never a stack trace or a 5xx. The blob
   * store has already removed its temporary file.
   */
  private ApiProblem unreadable(IOException e) {
    if (e instanceof ClientStalledException) {
      clientTimeouts.mark();
      LOG.info("upload abandoned, answered 408: {}", e.getMessage());
      return new ApiProblem.RequestTimeout(
          "The request body stopped arriving; send the upload again.");
    }
    if (e instanceof ClientAbortedException) {
      clientAborts.mark();
      LOG.info("upload abandoned, client went away: {}", e.getMessage());
      return new ApiProblem.ClientClosedRequest("The client closed the connection mid-body.");
    }
    return new ApiProblem.Malformed("The request body could not be read: " + e.getMessage());
  }

  private Response accept(Account account, StoredBlob blob, String filename, String key) {
    if (key != null) {
      Optional<UploadRow> earlier = earlierUpload(account, key, blob);
      if (earlier.isPresent()) {
        return accepted(earlier.get(), true);
      }
    }
    UploadRow row =
        new UploadRow(
            UuidV7.next(),
            account.id(),
            "received",
            DisplayName.of(filename),
            blob.type().mediaType(),
            blob.sizeBytes(),
            blob.sha256(),
            blob.key(),
            Instant.now(),
            null,
            null);
    Optional<UploadRow> created;
    // A child of the request's span; the event carries this hop's span, which the relay continues.
    try (Hop outbox = tracing.hop("outbox write " + UploadReceived.TYPE, SpanKind.INTERNAL)) {
      created = commit(outbox, account, row, blob, key);
      if (created.isPresent()) {
        LOG.debug("upload {} accepted, its event is in the outbox", row.id());
      }
    }
    if (created.isEmpty()) {
      return accepted(earlierUpload(account, key, blob).orElseThrow(), true);
    }
    return accepted(created.get(), false);
  }

  /** The upload and its event in one transaction; empty when a concurrent request took the key. */
  private Optional<UploadRow> commit(
      Hop outbox, Account account, UploadRow row, StoredBlob blob, String key) {
    try {
      return jdbi.inTransaction(
          h -> {
            UploadRow inserted = UploadDao.insert(h, row);
            if (key != null
                && !h.attach(UploadDao.class)
                    .rememberKey(account.id(), key, blob.sha256(), row.id())) {
              // A concurrent request with the same key committed first: undo ours.
              h.rollback();
              return Optional.empty();
            }
            EventEnvelope event = event(inserted, outbox.traceparent());
            Outbox.append(h, event);
            outbox.attribute("messaging.message.id", event.eventId().toString());
            return Optional.of(inserted);
          });
    } catch (RuntimeException e) {
      outbox.failed(e);
      throw e;
    }
  }

  private Optional<UploadRow> earlierUpload(Account account, String key, StoredBlob blob) {
    UploadDao uploads = jdbi.onDemand(UploadDao.class);
    Optional<UploadDao.KeyedUpload> keyed = uploads.findKey(account.id(), key);
    if (keyed.isEmpty()) {
      return Optional.empty();
    }
    if (!keyed.get().contentSha256().equals(blob.sha256())) {
      throw new ApiProblem.IdempotencyKeyReused(
          "Idempotency-Key '" + key + "' was used for different content.");
    }
    return uploads.find(account.id(), keyed.get().uploadId());
  }

  private static EventEnvelope event(UploadRow row, String traceparent) {
    UploadReceived received =
        new UploadReceived(
            row.id(),
            row.accountId(),
            row.filename(),
            row.contentType(),
            row.sizeBytes(),
            row.sha256(),
            row.blobKey());
    return EventEnvelope.of(received, row.createdAt(), traceparent);
  }

  private static Response accepted(UploadRow row, boolean replayed) {
    Response.ResponseBuilder response =
        Response.accepted(UploadView.of(row, List.of()))
            .location(URI.create("/v1/uploads/" + row.id()));
    if (replayed) {
      response.header("Idempotent-Replayed", "true");
    }
    return response.build();
  }

  static Account account(SecurityContext security) {
    return (Account) security.getUserPrincipal();
  }

  private static String validIdempotencyKey(String key) {
    if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
      throw new ApiProblem.Malformed("Idempotency-Key must be 1 to 255 visible ASCII characters.");
    }
    return key;
  }

  /** A declared length over the limit is refused before a byte of the body is read. */
  private void rejectDeclaredLength(String contentLength, long limit) {
    if (contentLength == null) {
      return;
    }
    try {
      if (Long.parseLong(contentLength.trim()) > limit) {
        throw new ApiProblem.TooLarge("Uploads are limited to " + maxBytes + " bytes.");
      }
    } catch (NumberFormatException e) {
      throw new ApiProblem.Malformed("Content-Length is not a number.");
    }
  }

  private static String filenameOf(String disposition) {
    if (disposition == null) {
      return null;
    }
    var matcher = FILENAME_PARAM.matcher(disposition);
    return matcher.find() ? matcher.group(1) : null;
  }

  static UUID parseId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      // A malformed id names no upload of the caller's, like any other unknown id.
      throw new ApiProblem.NotFound("No upload " + id + ".");
    }
  }
}
