package dev.uploads.schema.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileSystemBlobStoreTest {
  private static final long MIB = 1024 * 1024;

  @TempDir Path root;
  private FileSystemBlobStore store;

  @BeforeEach
  void createStore() throws IOException {
    store = new FileSystemBlobStore(root.resolve("blobs"));
  }

  @Test
  void storesUnderSha256AndReadsBack() throws Exception {
    byte[] image = image(ImageTypeTest.PNG_HEAD, 300_000);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));

    StoredBlob blob = store.put(new ByteArrayInputStream(image), MIB);

    assertEquals(new StoredBlob(sha256, sha256, image.length, ImageType.PNG), blob);
    assertTrue(store.exists(blob.key()));
    try (InputStream in = store.open(blob.key())) {
      assertArrayEquals(image, in.readAllBytes());
    }
    Path expected =
        root.resolve("blobs/sha256")
            .resolve(sha256.substring(0, 2))
            .resolve(sha256.substring(2, 4))
            .resolve(sha256);
    assertEquals(List.of(expected), files("sha256"));
    assertEquals(List.of(), files("tmp"));
  }

  @Test
  void sameContentTwiceIsOneBlob() throws IOException {
    byte[] image = image(ImageTypeTest.JPEG_HEAD, 5000);

    StoredBlob first = store.put(new ByteArrayInputStream(image), MIB);
    StoredBlob second = store.put(new ByteArrayInputStream(image), MIB);

    assertEquals(first, second);
    assertEquals(1, files("sha256").size());
    assertEquals(List.of(), files("tmp"));
  }

  @Test
  void acceptsExactlyTheLimitAndNotOneByteMore() throws IOException {
    byte[] image = image(ImageTypeTest.JPEG_HEAD, 70_000);

    assertEquals(70_000, store.put(new ByteArrayInputStream(image), 70_000).sizeBytes());
    assertThrows(TooLargeException.class, () -> store.put(new ByteArrayInputStream(image), 69_999));
    assertThrows(TooLargeException.class, () -> store.put(new ByteArrayInputStream(image), 5));
    assertEquals(List.of(), files("tmp"));
  }

  @Test
  void tooLargeStopsReadingRightAfterTheLimit() throws IOException {
    long limit = 20 * MIB;
    GeneratedInput hundredMib = new GeneratedInput(ImageTypeTest.JPEG_HEAD, 100 * MIB);

    TooLargeException e = assertThrows(TooLargeException.class, () -> store.put(hundredMib, limit));

    assertEquals(limit, e.maxBytes());
    assertTrue(hundredMib.bytesRead() < limit + 128 * 1024, "read " + hundredMib.bytesRead());
    assertEquals(List.of(), files("tmp"));
    assertEquals(List.of(), files("sha256"));
  }

  @Test
  void emptyUploadIsRejected() {
    assertThrows(
        EmptyContentException.class, () -> store.put(new ByteArrayInputStream(new byte[0]), MIB));
    assertEquals(List.of(), files("tmp"));
  }

  @Test
  void nonImageIsRejectedAfterItsFirstBytes() throws IOException {
    GeneratedInput text = new GeneratedInput("<html><body>hello".getBytes(UTF_8), 100 * MIB);

    assertThrows(UnsupportedImageException.class, () -> store.put(text, 200 * MIB));

    assertTrue(text.bytesRead() <= ImageType.SNIFF_LENGTH, "read " + text.bytesRead());
    assertEquals(List.of(), files("tmp"));
    assertEquals(List.of(), files("sha256"));
  }

  @Test
  void brokenConnectionLeavesNothingBehind() {
    GeneratedInput dropped = new GeneratedInput(ImageTypeTest.PNG_HEAD, 10 * MIB, 300_000);

    IOException e = assertThrows(IOException.class, () -> store.put(dropped, 20 * MIB));

    assertEquals("connection reset", e.getMessage());
    assertEquals(List.of(), files("tmp"));
    assertEquals(List.of(), files("sha256"));
  }

  @Test
  void derivedBlobsAreStoredUnderTheirKeyAndCanBeReplaced() throws IOException {
    String key = "thumbnails/0f8e1c2a-7b3d-4e5f-9a6b-1c2d3e4f5a6b/128.jpg";

    store.putDerived(key, "first".getBytes(UTF_8));
    store.putDerived(key, "second".getBytes(UTF_8));

    assertTrue(store.exists(key));
    try (InputStream in = store.open(key)) {
      assertEquals("second", new String(in.readAllBytes(), UTF_8));
    }
    assertTrue(Files.isRegularFile(root.resolve("blobs/derived").resolve(key)));
    assertEquals(List.of(), files("tmp"));
  }

  @Test
  void missingBlobsAreReportedAsMissing() {
    String absentContent = "ab".repeat(32);

    assertFalse(store.exists(absentContent));
    assertFalse(store.exists("thumbnails/x/128.jpg"));
    assertThrows(NoSuchFileException.class, () -> store.open(absentContent));
    assertThrows(NoSuchFileException.class, () -> store.open("thumbnails/x/128.jpg"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../escape.jpg",
        "thumbnails/../../etc/passwd",
        "thumbnails/..",
        "..",
        "/etc/passwd",
        "thumbnails\\x\\128.jpg",
        "",
        "thumbnails//128.jpg",
        "thumbnails/",
        "./a.jpg",
        "thumbnails/a b.jpg",
        "abababababababababababababababababababababababababababababababab"
      })
  void derivedKeysThatCouldEscapeOrCollideAreRejected(String key) {
    assertThrows(IllegalArgumentException.class, () -> store.putDerived(key, new byte[] {1}));
    if (!BlobKey.isContentKey(key)) {
      assertThrows(IllegalArgumentException.class, () -> store.open(key));
    }
    assertEquals(List.of(), files("derived"));
    assertEquals(List.of(), files("tmp"));
  }

  private List<Path> files(String area) {
    try (Stream<Path> walk = Files.walk(root.resolve("blobs").resolve(area))) {
      return walk.filter(Files::isRegularFile).collect(Collectors.toList());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] image(byte[] head, int size) {
    byte[] image = new byte[size];
    new Random(size).nextBytes(image);
    System.arraycopy(head, 0, image, 0, head.length);
    return image;
  }
}
