package dev.uploads.schema.blob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Blob store in an S3-compatible bucket (AWS S3, MinIO, S3Proxy, ...), so that every API replica
 * and worker, on any host, reads what another wrote.
 *
 * <p>Object names follow {@link FileSystemBlobStore}'s layout ({@code sha256/ab/cd/abcd...}, {@code
 * derived/<key>}, {@code tmp/} for writes in progress), so a file system root and a bucket can be
 * copied into each other as they are.
 *
 * <p>An upload streams in parts of {@code partSize} bytes, at most one of them in memory, and all
 * uploads in flight together hold no more than the buffer budget (beyond it an upload is refused as
 * the store being unavailable, a 503 that the client retries, rather than the process running out
 * of memory while a slow store keeps uploads waiting): a body that fits in one part is hashed first
 * and stored with one PutObject under its content key. A larger one goes to a multipart upload
 * under a temporary key, because its SHA-256, and so its content key, is known only after the last
 * byte; it is then copied inside the store to its content key (no bytes travel back through this
 * process) and the temporary object is deleted. Buffering a whole upload instead would cost up to
 * the upload size limit of memory per concurrent upload, and spooling it to local disk would tie
 * the API to a disk that the shared store exists to avoid. Every failure before completion (too
 * large, not an image, the client gone, the store failing) aborts the multipart upload, so no parts
 * are left behind. A process that dies mid-upload cannot abort: the bucket's lifecycle rules should
 * expire incomplete multipart uploads and {@code tmp/} objects after a day (README).
 *
 * <p>SDK failures become the IOExceptions callers already handle: a missing key on a read is a
 * {@link NoSuchFileException}, anything else (refused connections, timeouts, 5xx, throttling, a
 * missing bucket, refused credentials) a {@link BlobStoreUnavailableException}.
 */
public final class S3BlobStore implements BlobStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);

  /** S3 refuses smaller parts, except the last. */
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  /** The first buffer of an upload; it doubles as more of the body arrives, up to a part. */
  private static final int FIRST_BUFFER = 64 * 1024;

  private final S3Client s3;
  private final String bucket;
  private final int partSize;
  private final MemoryBudget budget;

  public S3BlobStore(S3Client s3, String bucket, int partSize, long bufferBudget) {
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException("parts must have at least 5 MiB: " + partSize);
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.partSize = partSize;
    this.budget = new MemoryBudget(bufferBudget);
  }

  @Override
  public StoredBlob put(InputStream in, long maxBytes) throws IOException {
    UploadHead sniffed = UploadHead.read(in, maxBytes);
    byte[] head = sniffed.bytes();
    ImageType type = sniffed.type();

    LimitedReader reader = new LimitedReader(in, maxBytes, head);
    try (MemoryBudget.Lease memory = budget.lease()) {
      return put(reader, type, head, maxBytes, memory);
    }
  }

  /**
   * The buffer holds what arrived, doubling from 64 KiB up to one part (no larger than the limit
   * allows: a 1 MiB limit needs no 8 MiB buffer), so that a small image holds kilobytes, not a
   * part, while it waits for a slow store. Each growth is taken from the budget first.
   */
  private StoredBlob put(
      LimitedReader reader, ImageType type, byte[] head, long maxBytes, MemoryBudget.Lease memory)
      throws IOException {
    int largest = (int) Math.min(partSize, maxBytes + 1);
    int first = Math.min(largest, Math.max(FIRST_BUFFER, head.length));
    memory.grow(first);
    byte[] buffer = new byte[first];
    System.arraycopy(head, 0, buffer, 0, head.length);
    int filled = reader.fill(buffer, head.length);
    while (!reader.ended && buffer.length < largest) {
      int grown = (int) Math.min(2L * buffer.length, largest);
      memory.grow(grown - buffer.length);
      buffer = Arrays.copyOf(buffer, grown);
      filled = reader.fill(buffer, filled);
    }
    byte[] part = buffer;
    int length = filled;
    if (reader.ended) {
      String hex = reader.hex();
      // Same key means same bytes: writing over an existing blob changes nothing.
      call(
          "PUT",
          hex,
          () ->
              s3.putObject(
                  b -> b.bucket(bucket).key(contentKey(hex)).contentType(type.mediaType()),
                  body(part, length)));
      return new StoredBlob(hex, hex, reader.size, type);
    }
    String temp = "tmp/" + UUID.randomUUID();
    uploadInParts(temp, type, reader, part, length);
    String hex = reader.hex();
    try {
      call(
          "COPY",
          hex,
          () ->
              s3.copyObject(
                  b ->
                      b.sourceBucket(bucket)
                          .sourceKey(temp)
                          .destinationBucket(bucket)
                          .destinationKey(contentKey(hex))));
    } finally {
      deleteTemporary(temp);
    }
    return new StoredBlob(hex, hex, reader.size, type);
  }

  /** The bytes the buffers of uploads in flight hold now. */
  long bufferedBytes() {
    return budget.used();
  }

  private void uploadInParts(
      String temp, ImageType type, LimitedReader reader, byte[] part, int firstFilled)
      throws IOException {
    String uploadId =
        call(
                "CREATE MULTIPART",
                temp,
                () ->
                    s3.createMultipartUpload(
                        b -> b.bucket(bucket).key(temp).contentType(type.mediaType())))
            .uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int filled = firstFilled;
      do {
        int number = parts.size() + 1;
        int length = filled;
        String etag =
            call(
                    "UPLOAD PART " + number,
                    temp,
                    () ->
                        s3.uploadPart(
                            b ->
                                b.bucket(bucket)
                                    .key(temp)
                                    .uploadId(uploadId)
                                    .partNumber(number)
                                    .contentLength((long) length),
                            body(part, length)))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        if (reader.ended) {
          break;
        }
        filled = reader.fill(part, 0);
      } while (filled > 0);
      call(
          "COMPLETE MULTIPART",
          temp,
          () ->
              s3.completeMultipartUpload(
                  b ->
                      b.bucket(bucket)
                          .key(temp)
                          .uploadId(uploadId)
                          .multipartUpload(m -> m.parts(parts))));
    } catch (IOException | RuntimeException e) {
      try {
        call(
            "ABORT MULTIPART",
            temp,
            () -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(temp).uploadId(uploadId)));
      } catch (IOException | RuntimeException abortFailed) {
        // The store's lifecycle rule for incomplete uploads is the last line of defence.
        e.addSuppressed(abortFailed);
      }
      throw e;
    }
  }

  private void deleteTemporary(String temp) {
    try {
      call("DELETE", temp, () -> s3.deleteObject(b -> b.bucket(bucket).key(temp)));
    } catch (IOException e) {
      // The blob is stored; a leftover tmp/ object costs space until the lifecycle rule expires it.
      LOG.warn("could not delete temporary object {}: {}", temp, e.getMessage());
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    String name = objectName(key);
    return call("GET", key, () -> s3.getObject(b -> b.bucket(bucket).key(name)));
  }

  @Override
  public boolean exists(String key) {
    String name = objectName(key);
    try {
      call("HEAD", key, () -> s3.headObject(b -> b.bucket(bucket).key(name)));
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void putDerived(String key, byte[] bytes) throws IOException {
    String name = "derived/" + BlobKey.requireDerivedKey(key);
    call(
        "PUT", key, () -> s3.putObject(b -> b.bucket(bucket).key(name), body(bytes, bytes.length)));
  }

  @Override
  public void close() {
    s3.close();
  }

  /** A body the SDK may read again on a retry, without copying the buffer. */
  private static RequestBody body(byte[] bytes, int length) {
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(bytes, 0, length), length, "application/octet-stream");
  }

  private static <T> T call(String operation, String key, Supplier<T> request) throws IOException {
    try {
      return request.get();
    } catch (NoSuchKeyException e) {
      throw missing(key, e);
    } catch (S3Exception e) {
      // HEAD answers 404 without a body, so without an error code; a missing bucket says so.
      if (e.statusCode() == 404
          && !"NoSuchBucket".equals(e.awsErrorDetails().errorCode())
          && (operation.equals("GET") || operation.equals("HEAD"))) {
        throw missing(key, e);
      }
      throw unavailable(operation, key, e);
    } catch (SdkException e) {
      throw unavailable(operation, key, e);
    }
  }

  private static NoSuchFileException missing(String key, Exception cause) {
    NoSuchFileException missing = new NoSuchFileException(key);
    missing.initCause(cause);
    return missing;
  }

  private static BlobStoreUnavailableException unavailable(
      String operation, String key, SdkException cause) {
    return new BlobStoreUnavailableException(
        "blob store failed " + operation + " " + key + ": " + cause.getMessage(), cause);
  }

  private static String objectName(String key) {
    return BlobKey.isContentKey(key)
        ? contentKey(key)
        : "derived/" + BlobKey.requireDerivedKey(key);
  }

  private static String contentKey(String hex) {
    return "sha256/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
  }
}
