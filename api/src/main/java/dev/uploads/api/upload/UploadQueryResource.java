package dev.uploads.api.upload;

import dev.uploads.api.auth.Account;
import dev.uploads.api.problem.ApiProblem;
import dev.uploads.schema.blob.BlobStore;
import dev.uploads.schema.blob.BlobStoreUnavailableException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reading uploads: one, a page of them, and their thumbnails. */
@Path("/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
public class UploadQueryResource {
  private static final Logger LOG = LoggerFactory.getLogger(UploadQueryResource.class);

  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 100;

  private final UploadDao uploads;
  private final BlobStore blobs;

  public UploadQueryResource(Jdbi jdbi, BlobStore blobs) {
    this.uploads = jdbi.onDemand(UploadDao.class);
    this.blobs = blobs;
  }

  @GET
  @Path("/{id}")
  public UploadView get(@Context SecurityContext security, @PathParam("id") String id) {
    UploadRow row = find(UploadResource.account(security), id);
    return UploadView.of(row, uploads.thumbnails(new UUID[] {row.id()}));
  }

  @GET
  public UploadView.Page list(
      @Context SecurityContext security,
      @QueryParam("limit") String limitParam,
      @QueryParam("cursor") String cursor) {
    Account account = UploadResource.account(security);
    int limit = parseLimit(limitParam);
    List<UploadRow> rows =
        cursor == null || cursor.isEmpty()
            ? uploads.firstPage(account.id(), limit + 1)
            : uploads.pageAfter(account.id(), decodeCursor(cursor), limit + 1);
    boolean more = rows.size() > limit;
    List<UploadRow> page = more ? rows.subList(0, limit) : rows;
    Map<UUID, List<ThumbnailRow>> thumbnails =
        uploads.thumbnails(page.stream().map(UploadRow::id).toArray(UUID[]::new)).stream()
            .collect(Collectors.groupingBy(ThumbnailRow::uploadId));
    List<UploadView> items =
        page.stream()
            .map(r -> UploadView.of(r, thumbnails.getOrDefault(r.id(), List.of())))
            .toList();
    return new UploadView.Page(items, more ? encodeCursor(page.get(limit - 1).id()) : null);
  }

  @GET
  @Path("/{id}/thumbnails/{size}")
  @Produces(MediaType.WILDCARD)
  public Response thumbnail(
      @Context SecurityContext security,
      @PathParam("id") String id,
      @PathParam("size") String size) {
    UploadRow row = find(UploadResource.account(security), id);
    ThumbnailRow thumbnail =
        uploads.thumbnails(new UUID[] {row.id()}).stream()
            .filter(t -> Integer.toString(t.size()).equals(size))
            .findFirst()
            .orElseThrow(() -> new ApiProblem.NotFound("No thumbnail of size " + size + "."));
    try {
      InputStream in = blobs.open(thumbnail.blobKey());
      return Response.ok(in, thumbnail.contentType())
          .header("Cache-Control", "private, max-age=31536000, immutable")
          .build();
    } catch (BlobStoreUnavailableException e) {
      LOG.warn("thumbnail not served, blob store unavailable: {}", e.getMessage());
      throw new ApiProblem.BlobStoreUnavailable();
    } catch (IOException e) {
      throw new IllegalStateException("thumbnail " + thumbnail.blobKey() + " is missing", e);
    }
  }

  private UploadRow find(Account account, String id) {
    return uploads
        .find(account.id(), UploadResource.parseId(id))
        .orElseThrow(() -> new ApiProblem.NotFound("No upload " + id + "."));
  }

  private static int parseLimit(String limit) {
    if (limit == null || limit.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int value = Integer.parseInt(limit);
      if (value >= 1 && value <= MAX_LIMIT) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ApiProblem.Malformed("limit must be a whole number from 1 to " + MAX_LIMIT + ".");
  }

  private static String encodeCursor(UUID last) {
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(last.getMostSignificantBits()).putLong(last.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  private static UUID decodeCursor(String cursor) {
    try {
      ByteBuffer bytes = ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor));
      if (bytes.remaining() == 16) {
        return new UUID(bytes.getLong(), bytes.getLong());
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new ApiProblem.Malformed("cursor is not one this API returned.");
  }
}
