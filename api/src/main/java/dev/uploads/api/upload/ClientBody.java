package dev.uploads.api.upload;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeoutException;

/**
 * The request body as the network delivers it. Jetty reports a client that stops sending (its idle
 * timeout, a {@link TimeoutException}) and one that goes away mid-body (its {@code EofException},
 * "Early EOF", an {@link EOFException}) as plain IOExceptions; this names them {@link
 * ClientStalledException} and {@link ClientAbortedException}, so that neither is taken for a
 * malformed body or a server fault. Every other failure passes through unchanged.
 */
final class ClientBody extends FilterInputStream {
  /** Jetty wraps the cause once or twice; a longer chain is not one of these. */
  private static final int MAX_CAUSES = 8;

  private long bytesRead;

  ClientBody(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    try {
      int b = super.read();
      if (b >= 0) {
        bytesRead++;
      }
      return b;
    } catch (IOException e) {
      throw named(e);
    }
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    try {
      int n = super.read(target, offset, length);
      if (n > 0) {
        bytesRead += n;
      }
      return n;
    } catch (IOException e) {
      throw named(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      long skipped = super.skip(n);
      bytesRead += skipped;
      return skipped;
    } catch (IOException e) {
      throw named(e);
    }
  }

  private IOException named(IOException e) {
    Throwable t = e;
    for (int i = 0; i < MAX_CAUSES && t != null; i++, t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return new ClientStalledException(
            "the client sent nothing for the idle timeout; "
                + bytesRead
                + " bytes of the body read",
            e);
      }
      if (t instanceof EOFException) {
        return new ClientAbortedException(
            "the client closed the connection; " + bytesRead + " bytes of the body read", e);
      }
    }
    return e;
  }
}
