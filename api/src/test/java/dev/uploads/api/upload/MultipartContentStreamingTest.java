package dev.uploads.api.upload;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The file part's bytes come out exactly as sent, whatever they contain and however read. */
class MultipartContentStreamingTest {
  private static final String DELIMITER = "\r\n--" + MultipartBody.BOUNDARY;

  enum ReadMode {
    SINGLE_BYTES,
    BULK,
    /** Random read sizes over a body that itself arrives in random small pieces. */
    RANDOM_PIECES
  }

  static Stream<Arguments> sizesAndModes() {
    return IntStream.of(0, 1, 65535, 65536, 65537, 1024 * 1024 + 3)
        .boxed()
        .flatMap(size -> Arrays.stream(ReadMode.values()).map(mode -> Arguments.of(size, mode)));
  }

  @ParameterizedTest(name = "{0} bytes, {1}")
  @MethodSource("sizesAndModes")
  void streamsRandomBinaryContentExactly(int size, ReadMode mode) throws IOException {
    byte[] content = new byte[size];
    new Random(size).nextBytes(content);
    byte[] body = new MultipartBody().field("title", "t").file("f.bin", "x/y", content).close();

    assertArrayEquals(content, readFile(body, mode));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\r",
        "\r\n",
        "\r\n-",
        "\r\n--",
        "\n--",
        "\r\r\n\r\n--",
        "\r\n----WebKitFormBoundary7MA4YWxkTrZu0g",
        "\n------WebKitFormBoundary7MA4YWxkTrZu0gW",
        "------WebKitFormBoundary7MA4YWxkTrZu0gW",
        "\r\n----WebKitFormBoundary7MA4YWxkTrZu0gX",
        "\r\n----WebKitFormBoundary7MA4YWxkTrZu0\r\n----WebKitFormBoundary7MA4YWxkTrZu0g"
      })
  void keepsPartialDelimitersThatAreContent(String fragment) throws IOException {
    for (ReadMode mode : ReadMode.values()) {
      for (String content : new String[] {fragment, fragment + "tail", "head" + fragment}) {
        byte[] body = new MultipartBody().file("f", "x/y", bytes(content)).close();
        assertArrayEquals(bytes(content), readFile(body, mode), mode + ": " + content);
      }
    }
  }

  @Test
  void findsOnlyRealDelimitersAcrossTheBufferEdge() throws IOException {
    String fragment = DELIMITER.substring(0, DELIMITER.length() - 1);
    for (int at = 65536 - 300; at < 65536 + 10; at++) {
      byte[] content = new byte[65536 + 100];
      new Random(at).nextBytes(content);
      System.arraycopy(bytes(fragment), 0, content, at, fragment.length());
      content[at + fragment.length()] = 'X'; // a random 'W' here would complete the delimiter
      byte[] body = new MultipartBody().raw("\r\n").file("f", "x/y", content).close();

      assertArrayEquals(content, readFile(body, ReadMode.BULK), "fragment at " + at);

      // ...and the real delimiter at the same places must still end the part.
      byte[] endsAt = Arrays.copyOf(content, at);
      byte[] exact = new MultipartBody().raw("\r\n").file("f", "x/y", endsAt).close();
      assertArrayEquals(endsAt, readFile(exact, ReadMode.BULK), "delimiter at " + at);
    }
  }

  @ParameterizedTest
  @EnumSource(ReadMode.class)
  void handlesContentFullOfCarriageReturnsLineFeedsAndDashes(ReadMode mode) throws IOException {
    byte[] delimiter = bytes(DELIMITER);
    Random random = new Random(42);
    ByteArrayOutputStream generated = new ByteArrayOutputStream();
    while (generated.size() < 300_000) {
      // Delimiter prefixes of every length, glued to stray CR/LF/dash bytes.
      generated.write(delimiter, 0, random.nextInt(delimiter.length));
      generated.write("\r\n-".charAt(random.nextInt(3)));
    }
    byte[] content = generated.toByteArray();
    assertFalse(new String(content, UTF_8).contains(DELIMITER), "content must not hold delimiter");
    byte[] body = new MultipartBody().file("f", "x/y", content).close();

    assertArrayEquals(content, readFile(body, mode));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5000, 70000, 70001, 70002, 70010})
  void truncatedBodyIsAnErrorNotAnEnd(int cutAfterContentStart) throws IOException {
    byte[] content = new byte[70000];
    new Random(7).nextBytes(content);
    byte[] full = new MultipartBody().file("f", "x/y", content).close();
    int contentStart = indexOf(full, bytes("\r\n\r\n")) + 4;
    byte[] cut = Arrays.copyOf(full, contentStart + cutAfterContentStart);

    MultipartFileStream file =
        MultipartFileStream.open(new ByteArrayInputStream(cut), MultipartBody.contentType());

    assertThrows(MalformedMultipartException.class, file::readAllBytes);
    assertThrows(MalformedMultipartException.class, file::read);
  }

  private static byte[] readFile(byte[] body, ReadMode mode) throws IOException {
    String contentType = MultipartBody.contentType();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (mode) {
      case SINGLE_BYTES -> {
        InputStream file = MultipartFileStream.open(new ByteArrayInputStream(body), contentType);
        for (int b = file.read(); b >= 0; b = file.read()) {
          out.write(b);
        }
      }
      case BULK -> {
        InputStream file = MultipartFileStream.open(new ByteArrayInputStream(body), contentType);
        byte[] buffer = new byte[8192];
        for (int n = file.read(buffer); n >= 0; n = file.read(buffer)) {
          out.write(buffer, 0, n);
        }
      }
      case RANDOM_PIECES -> {
        InputStream file = MultipartFileStream.open(new ChunkedInput(body, 1, 97), contentType);
        Random random = new Random(2);
        byte[] buffer = new byte[100_000];
        while (true) {
          int offset = random.nextInt(10);
          int n = file.read(buffer, offset, 1 + random.nextInt(buffer.length - offset - 1));
          if (n < 0) {
            break;
          }
          out.write(buffer, offset, n);
        }
      }
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    return new String(haystack, ISO_8859_1).indexOf(new String(needle, ISO_8859_1));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
