package dev.uploads.schema.blob;

import java.io.IOException;
import java.io.InputStream;

/**
 * The first bytes of an upload and the image type they show. Every store reads them before it
 * touches its disk or bucket, so that empty, oversized and non-image bodies are refused the same
 * way wherever blobs live.
 */
record UploadHead(byte[] bytes, ImageType type) {

  static UploadHead read(InputStream in, long maxBytes) throws IOException {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    byte[] head = in.readNBytes(ImageType.SNIFF_LENGTH);
    if (head.length == 0) {
      throw new EmptyContentException();
    }
    if (head.length > maxBytes) {
      throw new TooLargeException(maxBytes);
    }
    return new UploadHead(
        head, ImageType.sniff(head, head.length).orElseThrow(UnsupportedImageException::new));
  }
}
