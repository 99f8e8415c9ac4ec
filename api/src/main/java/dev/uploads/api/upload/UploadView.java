package dev.uploads.api.upload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The upload as clients see it (the HTTP contract). */
public record UploadView(
    @JsonProperty("id") UUID id,
    @JsonProperty("status") String status,
    @JsonProperty("filename") String filename,
    @JsonProperty("content_type") String contentType,
    @JsonProperty("size_bytes") long sizeBytes,
    @JsonProperty("sha256") String sha256,
    @JsonProperty("created_at") Instant createdAt,
    @JsonProperty("thumbnails") List<Thumbnail> thumbnails,
    @JsonProperty("failure") @JsonInclude(JsonInclude.Include.NON_NULL) Failure failure) {

  /** Why a {@code failed} upload failed: a stable code and a sentence for its owner. */
  public record Failure(@JsonProperty("code") String code, @JsonProperty("detail") String detail) {}

  public record Thumbnail(
      @JsonProperty("width") int width,
      @JsonProperty("height") int height,
      @JsonProperty("url") String url) {}

  static UploadView of(UploadRow row, List<ThumbnailRow> thumbnails) {
    return new UploadView(
        row.id(),
        row.status(),
        row.filename(),
        row.contentType(),
        row.sizeBytes(),
        row.sha256(),
        row.createdAt(),
        thumbnails.stream()
            .map(
                t ->
                    new Thumbnail(
                        t.width(),
                        t.height(),
                        "/v1/uploads/" + row.id() + "/thumbnails/" + t.size()))
            .toList(),
        row.failureCode() == null ? null : new Failure(row.failureCode(), row.failureDetail()));
  }

  public record Page(
      @JsonProperty("items") List<UploadView> items,
      @JsonProperty("next_cursor") String nextCursor) {}
}
