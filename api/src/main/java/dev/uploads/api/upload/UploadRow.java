package dev.uploads.api.upload;

import java.time.Instant;
import java.util.UUID;

/** A row of the {@code uploads} table. */
public record UploadRow(
    UUID id,
    UUID accountId,
    String status,
    String filename,
    String contentType,
    long sizeBytes,
    String sha256,
    String blobKey,
    Instant createdAt,
    String failureCode,
    String failureDetail) {}
