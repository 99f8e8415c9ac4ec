package dev.uploads.schema.blob;

import java.io.IOException;
import java.io.InputStream;

/**
 * A long stream made up on the fly (so tests can offer far more than memory would hold) that
 * records how many bytes its reader actually pulled.
 */
public final class GeneratedInput extends InputStream {
  private final byte[] head;
  private final long length;
  private final long failAfter;
  private long position;

  public GeneratedInput(byte[] head, long length) {
    this(head, length, Long.MAX_VALUE);
  }

  /** Throws an IOException once {@code failAfter} bytes were read, like a dropped connection. */
  public GeneratedInput(byte[] head, long length, long failAfter) {
    this.head = head;
    this.length = length;
    this.failAfter = failAfter;
  }

  public long bytesRead() {
    return position;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] target, int offset, int count) throws IOException {
    if (position >= failAfter) {
      throw new IOException("connection reset");
    }
    if (position >= length) {
      return -1;
    }
    int n = (int) Math.min(count, Math.min(length, failAfter) - position);
    for (int i = 0; i < n; i++) {
      long at = position + i;
      target[offset + i] = at < head.length ? head[(int) at] : (byte) (at * 31 + (at >>> 9));
    }
    position += n;
    return n;
  }
}
