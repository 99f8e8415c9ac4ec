package dev.uploads.worker.thumbnails;

import java.nio.file.NoSuchFileException;

/**
 * The store answered, and has no blob under the upload's key (S3's 404 NoSuchKey, a missing file).
 *
 * <p>Transient, but only for the job's retries, and not counted against the blob store's breaker.
 * The upload committed after its blob was stored, so a missing blob is never the client's fault and
 * an immediate permanent failure would fail uploads that a moment later are readable: a replicated
 * or eventually consistent S3-compatible store, an NFS mount with attribute caching, or a worker
 * that reached a replica before the write did. Those heal within seconds, inside the retries'
 * backoff. What does not heal (a worker pointed at another bucket or root than the API, a blob
 * deleted by hand) must not pause the job forever, which counting it against the breaker would do:
 * after the retries the event becomes a dead letter, the upload {@code failed} with {@code
 * processing_failed}, and an operator who fixes the configuration replays the letters.
 */
public class MissingBlobException extends Exception {
  public MissingBlobException(String key, NoSuchFileException cause) {
    super("blob " + key + " does not exist (yet)", cause);
  }
}
