package dev.uploads.api.upload;

import java.util.UUID;

/**
 * A row of {@code thumbnails}: {@code size} is the configured width it is addressed by (its URL),
 * {@code width} and {@code height} those of the stored image.
 */
public record ThumbnailRow(
    UUID uploadId, int size, int width, int height, String contentType, String blobKey) {}
