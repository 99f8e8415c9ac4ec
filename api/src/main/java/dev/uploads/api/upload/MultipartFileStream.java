package dev.uploads.api.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The part named {@code file} of a multipart/form-data request body, streamed straight from the
 * request: the stream ends at the part's closing boundary and never holds more than one fixed
 * buffer of the body. A body that ends before that boundary makes {@code read} throw {@link
 * MalformedMultipartException} instead of reporting a clean end, so a cut-off upload is never
 * stored as if complete.
 *
 * <p>Closing this stream does not close the request stream: the HTTP server owns that.
 */
public final class MultipartFileStream extends InputStream {
  static final String FILE_FIELD = "file";

  /** Fields before the file (e.g. a title) are small; anything larger is not a form we serve. */
  static final int MAX_FIELD_BYTES = 64 * 1024;

  static final int MAX_HEADER_BYTES = 16 * 1024;

  /** Without a bound, endless small fields could keep the request busy without ever uploading. */
  static final int MAX_PARTS_BEFORE_FILE = 32;

  private static final int MAX_BOUNDARY_LENGTH = 70; // RFC 2046

  private final BoundaryScanner scanner;
  private final String filename;
  private final String contentType;
  private final byte[] single = new byte[1];
  private boolean finished;

  private MultipartFileStream(BoundaryScanner scanner, String filename, String contentType) {
    this.scanner = scanner;
    this.filename = filename;
    this.contentType = contentType;
  }

  /**
   * Reads {@code body} up to the start of the {@code file} part's content.
   *
   * @param contentTypeHeader the request's Content-Type header, which carries the boundary
   * @throws MalformedMultipartException if the header has no boundary, the body is not valid
   *     multipart, a limit is passed, or no part is named {@code file}
   */
  public static MultipartFileStream open(InputStream body, String contentTypeHeader)
      throws IOException {
    Objects.requireNonNull(body, "body");
    BoundaryScanner scanner = new BoundaryScanner(body, boundaryOf(contentTypeHeader));
    scanner.skipContent(MAX_FIELD_BYTES); // the preamble, which clients may fill with anything
    for (int part = 0; part < MAX_PARTS_BEFORE_FILE && !scanner.atCloseDelimiter(); part++) {
      PartHeaders headers = PartHeaders.read(scanner, MAX_HEADER_BYTES);
      HeaderValue disposition = HeaderValue.parse(headers.get("Content-Disposition"));
      if (FILE_FIELD.equals(disposition.parameter("name"))) {
        return new MultipartFileStream(
            scanner, asUtf8(disposition.parameter("filename")), headers.get("Content-Type"));
      }
      scanner.skipContent(MAX_FIELD_BYTES);
    }
    throw new MalformedMultipartException(
        "multipart body has no part named \"" + FILE_FIELD + "\"");
  }

  /** The client's filename, or null if the part has none. Untrusted: may contain a path. */
  public String filename() {
    return filename;
  }

  /** The part's declared Content-Type, or null. Untrusted: the bytes decide the image type. */
  public String contentType() {
    return contentType;
  }

  @Override
  public int read() throws IOException {
    return read(single, 0, 1) < 0 ? -1 : single[0] & 0xFF;
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, target.length);
    if (finished) {
      return -1;
    }
    if (length == 0) {
      return 0;
    }
    int n = scanner.readContent(target, offset, length);
    if (n < 0) {
      finished = true;
    }
    return n;
  }

  @Override
  public void close() {
    finished = true;
  }

  private static String boundaryOf(String contentTypeHeader) throws MalformedMultipartException {
    HeaderValue contentType = HeaderValue.parse(contentTypeHeader);
    if (!"multipart/form-data".equalsIgnoreCase(contentType.value())) {
      throw new MalformedMultipartException("request is not multipart/form-data");
    }
    String boundary = contentType.parameter("boundary");
    if (boundary == null || boundary.isEmpty()) {
      throw new MalformedMultipartException("multipart/form-data request has no boundary");
    }
    if (boundary.length() > MAX_BOUNDARY_LENGTH
        || !boundary.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
      throw new MalformedMultipartException("multipart boundary is not valid");
    }
    return boundary;
  }

  /** Headers are read byte-per-char; browsers send non-ASCII filenames as raw UTF-8. */
  private static String asUtf8(String latin1) {
    return latin1 == null
        ? null
        : new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
