package dev.uploads.api.upload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

/** Hands out bytes in small random pieces, as a slow network connection does. */
final class ChunkedInput extends InputStream {
  private final InputStream in;
  private final Random random;
  private final int maxChunk;

  ChunkedInput(byte[] bytes, long seed, int maxChunk) {
    this.in = new ByteArrayInputStream(bytes);
    this.random = new Random(seed);
    this.maxChunk = maxChunk;
  }

  @Override
  public int read() throws IOException {
    return in.read();
  }

  @Override
  public int read(byte[] target, int offset, int count) throws IOException {
    return in.read(target, offset, Math.min(count, 1 + random.nextInt(maxChunk)));
  }
}
