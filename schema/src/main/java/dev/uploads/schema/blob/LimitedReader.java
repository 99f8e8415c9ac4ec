package dev.uploads.schema.blob;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Reads the body into part buffers, hashing it and enforcing the size limit as it goes. */
final class LimitedReader {
  private final InputStream in;
  private final long maxBytes;
  private final MessageDigest sha256;
  long size;
  boolean ended;

  LimitedReader(InputStream in, long maxBytes, byte[] head) {
    this.in = in;
    this.maxBytes = maxBytes;
    this.sha256 = sha256();
    sha256.update(head);
    this.size = head.length;
  }

  /** Fills {@code buffer} from {@code offset} until it is full or the body ends. */
  int fill(byte[] buffer, int offset) throws IOException {
    int filled = offset;
    while (filled < buffer.length) {
      // Never ask for more than one byte past the limit: an oversized upload is then noticed
      // without reading any of its remainder.
      int wanted = (int) Math.min(buffer.length - filled, maxBytes - size + 1);
      int n = in.read(buffer, filled, wanted);
      if (n < 0) {
        ended = true;
        return filled;
      }
      size += n;
      if (size > maxBytes) {
        throw new TooLargeException(maxBytes);
      }
      sha256.update(buffer, filled, n);
      filled += n;
    }
    return filled;
  }

  String hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
