package dev.uploads.worker.thumbnails;

/**
 * One encoded thumbnail.
 *
 * @param requestedWidth the width the caller asked for; callers key storage by it, so it is kept
 *     even when the source was narrower and {@code width} had to be smaller
 * @param width actual pixel width of {@code bytes}
 * @param height actual pixel height of {@code bytes}
 * @param contentType MIME type of {@code bytes}
 * @param bytes the encoded image
 */
public record Thumbnail(
    int requestedWidth, int width, int height, String contentType, byte[] bytes) {}
