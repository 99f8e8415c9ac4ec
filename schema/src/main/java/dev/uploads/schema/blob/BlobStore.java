package dev.uploads.schema.blob;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Where upload bytes live: a local file system ({@link FileSystemBlobStore}) or an S3-compatible
 * object store ({@link S3BlobStore}), chosen by {@link BlobSettings}.
 *
 * <p>Two kinds of key share one namespace: content keys (lowercase hex SHA-256, from {@link #put})
 * and derived keys (relative paths such as {@code thumbnails/<id>/128.jpg}, from {@link
 * #putDerived}). Malformed keys are rejected with {@link IllegalArgumentException}.
 *
 * <p>A key with no blob is a {@link java.nio.file.NoSuchFileException}. A remote store that cannot
 * be reached or answers with an error throws {@link BlobStoreUnavailableException}, which callers
 * treat as transient.
 */
public interface BlobStore extends Closeable {

  /**
   * Streams an image into the store under the SHA-256 of its bytes. Never holds the whole upload in
   * memory and leaves nothing behind when it fails.
   *
   * @throws TooLargeException as soon as more than {@code maxBytes} have been read
   * @throws EmptyContentException if {@code in} has no bytes
   * @throws UnsupportedImageException if the leading bytes are not a supported image
   */
  StoredBlob put(InputStream in, long maxBytes) throws IOException;

  /**
   * Opens a content or derived blob.
   *
   * @throws java.nio.file.NoSuchFileException if there is no blob under {@code key}
   */
  InputStream open(String key) throws IOException;

  /**
   * Whether a blob is stored under {@code key}.
   *
   * @throws java.io.UncheckedIOException if the store cannot tell
   */
  boolean exists(String key);

  /** Stores (or replaces) a blob whose key the caller derives, e.g. a thumbnail. */
  void putDerived(String key, byte[] bytes) throws IOException;

  /**
   * Stores several derived blobs, each as {@link #putDerived} would; a store may share the work
   * between them (one directory sync for blobs side by side). Not atomic: after a failure some may
   * be stored, which a retry replaces.
   */
  default void putDerivedAll(Map<String, byte[]> blobs) throws IOException {
    for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
      putDerived(blob.getKey(), blob.getValue());
    }
  }

  /** Releases connections; nothing to release by default. */
  @Override
  default void close() throws IOException {}
}
