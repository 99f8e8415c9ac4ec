package dev.uploads.api.upload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a multipart body through one fixed buffer, so memory use does not depend on the body's
 * size. Part content is handed out only once it is certain not to be the start of a delimiter.
 */
final class BoundaryScanner {
  private static final int BUFFER_SIZE = 64 * 1024;

  private final InputStream in;
  private final byte[] delimiter;
  private final byte[] buffer = new byte[BUFFER_SIZE];
  private int pos;
  private int limit;
  private boolean endOfInput;
  // [pos, contentEnd) is known to be part content; when delimiterAtEnd, a delimiter starts at
  // contentEnd. Cached so that single-byte reads do not rescan the buffer each time.
  private int contentEnd;
  private boolean delimiterAtEnd;

  /** {@code boundary} must be ASCII (the caller checks). */
  BoundaryScanner(InputStream in, String boundary) {
    this.in = in;
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    // The first boundary may open the body with no CRLF before it; a virtual CRLF lets the same
    // delimiter search find it.
    buffer[0] = '\r';
    buffer[1] = '\n';
    limit = 2;
  }

  /** Copies content of the current part; -1 once its closing delimiter is reached (consumed). */
  int readContent(byte[] target, int offset, int length) throws IOException {
    int available = contentAvailable();
    if (available == 0) {
      consumeDelimiter();
      return -1;
    }
    int n = Math.min(length, available);
    System.arraycopy(buffer, pos, target, offset, n);
    pos += n;
    return n;
  }

  /** Discards the current part's content up to and including its closing delimiter. */
  void skipContent(long maxBytes) throws IOException {
    long skipped = 0;
    for (int available = contentAvailable(); available > 0; available = contentAvailable()) {
      skipped += available;
      if (skipped > maxBytes) {
        throw new MalformedMultipartException(
            "multipart field is larger than " + maxBytes + " bytes");
      }
      pos += available;
    }
    consumeDelimiter();
  }

  /** True if the delimiter just consumed is the final one ({@code --boundary--}). */
  boolean atCloseDelimiter() throws IOException {
    while (limit - pos < 2 && !endOfInput) {
      fill();
    }
    return limit - pos >= 2 && buffer[pos] == '-' && buffer[pos + 1] == '-';
  }

  /**
   * Reads one line without its line break. Bytes map one-to-one to chars (ISO-8859-1) so that
   * string length equals byte count and callers can re-decode values as UTF-8.
   */
  String readLine(int maxBytes) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      for (int i = pos; i < limit; i++) {
        if (buffer[i] == '\n') {
          line.write(buffer, pos, i - pos);
          pos = i + 1;
          resetScan();
          if (line.size() + 1 > maxBytes) {
            throw headersTooLarge();
          }
          String text = line.toString(StandardCharsets.ISO_8859_1);
          return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }
      }
      line.write(buffer, pos, limit - pos);
      pos = limit;
      resetScan();
      if (line.size() > maxBytes) {
        throw headersTooLarge();
      }
      if (endOfInput) {
        throw truncated();
      }
      fill();
    }
  }

  private int contentAvailable() throws IOException {
    while (pos == contentEnd && !delimiterAtEnd) {
      int found = indexOfDelimiter();
      if (found >= 0) {
        contentEnd = found;
        delimiterAtEnd = true;
      } else if (limit - pos >= delimiter.length) {
        // The last delimiter.length - 1 bytes could begin a delimiter; hold them back until more
        // input shows whether they do.
        contentEnd = limit - delimiter.length + 1;
      } else if (endOfInput) {
        throw truncated();
      } else {
        fill();
      }
    }
    return contentEnd - pos;
  }

  private int indexOfDelimiter() {
    int last = limit - delimiter.length;
    candidates:
    for (int i = pos; i <= last; i++) {
      if (buffer[i] != '\r') {
        continue;
      }
      for (int j = 1; j < delimiter.length; j++) {
        if (buffer[i + j] != delimiter[j]) {
          continue candidates;
        }
      }
      return i;
    }
    return -1;
  }

  private void consumeDelimiter() {
    pos = contentEnd + delimiter.length;
    resetScan();
  }

  private void resetScan() {
    contentEnd = pos;
    delimiterAtEnd = false;
  }

  /** Moves the unread bytes to the front and reads more; only called with little left unread. */
  private void fill() throws IOException {
    int unread = limit - pos;
    System.arraycopy(buffer, pos, buffer, 0, unread);
    contentEnd -= pos;
    pos = 0;
    limit = unread;
    int n = in.read(buffer, limit, buffer.length - limit);
    if (n < 0) {
      endOfInput = true;
    } else {
      limit += n;
    }
  }

  private static MalformedMultipartException truncated() {
    return new MalformedMultipartException("multipart body ended before its closing boundary");
  }

  private static MalformedMultipartException headersTooLarge() {
    return new MalformedMultipartException("multipart part headers exceed the allowed size");
  }
}
