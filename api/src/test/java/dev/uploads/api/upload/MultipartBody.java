package dev.uploads.api.upload;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds multipart/form-data bodies byte by byte, the way a browser would send them. */
final class MultipartBody {
  static final String BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

  private final String boundary;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  MultipartBody() {
    this(BOUNDARY);
  }

  MultipartBody(String boundary) {
    this.boundary = boundary;
  }

  static String contentType() {
    return "multipart/form-data; boundary=" + BOUNDARY;
  }

  MultipartBody preamble(String text) {
    return raw(text + "\r\n");
  }

  MultipartBody field(String name, String value) {
    return part(
        "Content-Disposition: form-data; name=\"" + name + "\"",
        value.getBytes(StandardCharsets.UTF_8));
  }

  MultipartBody file(String filename, String contentType, byte[] content) {
    return part(
        "Content-Disposition: form-data; name=\"file\"; filename=\""
            + filename
            + "\"\r\nContent-Type: "
            + contentType,
        content);
  }

  /** A part with the given header lines (CRLF-separated, no trailing CRLF). */
  MultipartBody part(String headers, byte[] content) {
    raw("--" + boundary + "\r\n" + headers + "\r\n\r\n");
    out.writeBytes(content);
    return raw("\r\n");
  }

  MultipartBody raw(String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  byte[] close() {
    raw("--" + boundary + "--\r\n");
    return out.toByteArray();
  }

  /** The body as sent so far, e.g. to simulate a client that disconnects. */
  byte[] unfinished() {
    return out.toByteArray();
  }
}
