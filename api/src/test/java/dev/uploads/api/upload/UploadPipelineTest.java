package dev.uploads.api.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uploads.schema.blob.FileSystemBlobStore;
import dev.uploads.schema.blob.GeneratedInput;
import dev.uploads.schema.blob.ImageType;
import dev.uploads.schema.blob.StoredBlob;
import dev.uploads.schema.blob.TooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request body flows from the multipart parser into the store without being buffered. */
class UploadPipelineTest {
  private static final byte[] JPEG_HEAD = {
    (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10
  };
  private static final byte[] PNG_HEAD = {
    (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13
  };

  private static final long MIB = 1024 * 1024;

  @TempDir Path root;

  @Test
  void storesTheFilePartOfARequest() throws IOException {
    FileSystemBlobStore store = new FileSystemBlobStore(root);
    byte[] image = new byte[3 * 1024 * 1024 + 7];
    new Random(3).nextBytes(image);
    System.arraycopy(PNG_HEAD, 0, image, 0, PNG_HEAD.length);
    byte[] body =
        new MultipartBody().field("title", "cat").file("cat.png", "image/png", image).close();

    MultipartFileStream file =
        MultipartFileStream.open(new ByteArrayInputStream(body), MultipartBody.contentType());
    StoredBlob blob = store.put(file, 20 * MIB);

    assertEquals(ImageType.PNG, blob.type());
    assertEquals(image.length, blob.sizeBytes());
    try (InputStream stored = store.open(blob.key())) {
      assertArrayEquals(image, stored.readAllBytes());
    }
  }

  @Test
  void oversizedFilePartStopsTheRequestReadAtTheLimit() throws IOException {
    FileSystemBlobStore store = new FileSystemBlobStore(root);
    long limit = 20 * MIB;
    byte[] start =
        new MultipartBody()
            .field("title", "big")
            .raw("--" + MultipartBody.BOUNDARY + "\r\n")
            .raw("Content-Disposition: form-data; name=\"file\"; filename=\"big.jpg\"\r\n\r\n")
            .unfinished();
    byte[] head = new byte[start.length + JPEG_HEAD.length];
    System.arraycopy(start, 0, head, 0, start.length);
    byte[] jpeg = JPEG_HEAD;
    System.arraycopy(jpeg, 0, head, start.length, jpeg.length);
    // Far larger than the limit and never closed: only the limit can end this upload.
    GeneratedInput huge = new GeneratedInput(head, 100 * MIB);

    MultipartFileStream file = MultipartFileStream.open(huge, MultipartBody.contentType());

    assertThrows(TooLargeException.class, () -> store.put(file, limit));
    assertTrue(huge.bytesRead() < limit + 128 * 1024, "read " + huge.bytesRead());
    try (Stream<Path> temps = Files.list(root.resolve("tmp"))) {
      assertEquals(0, temps.count());
    }
  }
}
