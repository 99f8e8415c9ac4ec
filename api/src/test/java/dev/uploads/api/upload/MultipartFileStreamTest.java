package dev.uploads.api.upload;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartFileStreamTest {
  @Test
  void findsFileAfterPreambleAndTextField() throws IOException {
    byte[] content = "not really a jpeg".getBytes(UTF_8);
    byte[] body =
        new MultipartBody()
            .preamble("This is a preamble that clients may send.")
            .field("title", "Holiday")
            .file("beach.jpg", "image/jpeg", content)
            .field("after", "ignored")
            .close();

    MultipartFileStream file = open(body, MultipartBody.contentType());

    assertEquals("beach.jpg", file.filename());
    assertEquals("image/jpeg", file.contentType());
    assertArrayEquals(content, file.readAllBytes());
    assertEquals(-1, file.read());
  }

  @Test
  void acceptsQuotedBoundaryAmongOtherParameters() throws IOException {
    String boundary = "simple boundary:with=odd'chars";
    byte[] body = new MultipartBody(boundary).file("a.png", "image/png", bytes("x")).close();

    MultipartFileStream file =
        open(body, "Multipart/Form-Data; charset=UTF-8; BOUNDARY=\"" + boundary + "\"");

    assertArrayEquals(bytes("x"), file.readAllBytes());
  }

  @Test
  void truncatedHeadersAreAnError() {
    byte[] cut =
        new MultipartBody()
            .field("a", "b")
            .raw("--" + MultipartBody.BOUNDARY + "\r\nContent-Di")
            .unfinished();

    assertThrows(MalformedMultipartException.class, () -> open(cut, MultipartBody.contentType()));
  }

  @Test
  void missingFilePartIsAnError() {
    byte[] onlyFields = new MultipartBody().field("title", "x").field("files", "y").close();
    byte[] noParts = new MultipartBody().close();
    byte[] nameOnlyInFilename =
        new MultipartBody()
            .part("Content-Disposition: form-data; filename=\"file\"; name=\"avatar\"", bytes("x"))
            .close();

    for (byte[] body : new byte[][] {onlyFields, noParts, nameOnlyInFilename}) {
      MalformedMultipartException e =
          assertThrows(
              MalformedMultipartException.class, () -> open(body, MultipartBody.contentType()));
      assertTrue(e.getMessage().contains("no part named"), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; charset=utf-8",
        "multipart/form-data; boundary=\"\"",
        "application/json; boundary=abc",
        ""
      })
  void contentTypeWithoutUsableBoundaryIsAnError(String contentType) {
    byte[] body = new MultipartBody().file("f", "x/y", bytes("x")).close();

    assertThrows(MalformedMultipartException.class, () -> open(body, contentType));
    assertThrows(MalformedMultipartException.class, () -> open(body, null));
  }

  @Test
  void headerAndParameterNamesAreCaseInsensitive() throws IOException {
    byte[] body =
        new MultipartBody()
            .part(
                "CONTENT-TYPE: image/gif\r\ncontent-disposition: Form-Data; NAME=file; "
                    + "FileName=\"a;b.gif\"",
                bytes("GIF89a"))
            .close();

    MultipartFileStream file = open(body, MultipartBody.contentType());

    assertEquals("a;b.gif", file.filename());
    assertEquals("image/gif", file.contentType());
    assertArrayEquals(bytes("GIF89a"), file.readAllBytes());
  }

  @Test
  void filenameIsDecodedAsUtf8AndMayBeAbsent() throws IOException {
    byte[] named = new MultipartBody().file("Ünïcødé €.png", "image/png", bytes("x")).close();
    byte[] unnamed =
        new MultipartBody()
            .part("Content-Disposition: form-data; name=\"file\"", bytes("x"))
            .close();

    assertEquals("Ünïcødé €.png", open(named, MultipartBody.contentType()).filename());
    MultipartFileStream file = open(unnamed, MultipartBody.contentType());
    assertNull(file.filename());
    assertNull(file.contentType());
  }

  @Test
  void fieldLargerThanLimitIsAnError() {
    byte[] body =
        new MultipartBody()
            .field("title", "x".repeat(MultipartFileStream.MAX_FIELD_BYTES + 1))
            .file("f", "x/y", bytes("x"))
            .close();

    assertThrows(MalformedMultipartException.class, () -> open(body, MultipartBody.contentType()));
  }

  @Test
  void headersLargerThanLimitAreAnError() {
    String header = "X-Padding: " + "p".repeat(MultipartFileStream.MAX_HEADER_BYTES);
    byte[] body =
        new MultipartBody()
            .part(header + "\r\nContent-Disposition: form-data; name=\"file\"", bytes("x"))
            .close();

    assertThrows(MalformedMultipartException.class, () -> open(body, MultipartBody.contentType()));
  }

  @Test
  void endlessSmallFieldsAreAnError() {
    MultipartBody many = new MultipartBody();
    for (int i = 0; i <= MultipartFileStream.MAX_PARTS_BEFORE_FILE; i++) {
      many.field("f" + i, "v");
    }
    byte[] body = many.file("f", "x/y", bytes("x")).close();

    assertThrows(MalformedMultipartException.class, () -> open(body, MultipartBody.contentType()));
  }

  private static MultipartFileStream open(byte[] body, String contentType) throws IOException {
    return MultipartFileStream.open(new ByteArrayInputStream(body), contentType);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
