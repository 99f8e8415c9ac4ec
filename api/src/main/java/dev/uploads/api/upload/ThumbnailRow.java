package dev.uploads.api.upload;

import java.util.UUID;

public record ThumbnailRow(
    UUID uploadId, int width, int height, String contentType, String blobKey) {}
