package dev.uploads.schema.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.infra.FlakyTcpProxy;
import dev.uploads.infra.LocalS3;
import dev.uploads.infra.SharedInfra;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The S3 store against a real S3-compatible server (S3Proxy), through the SDK and HTTP. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class S3BlobStoreTest {
  private static final int MIB = 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Random random = new Random(42);
  private String bucket;
  private BlobStore store;
  private S3Client inspect;

  @BeforeEach
  void createBucketAndStore() throws IOException {
    bucket = SharedInfra.newBucket();
    store = store(SharedInfra.s3().endpoint(), bucket);
    inspect =
        S3Client.builder()
            .endpointOverride(URI.create(SharedInfra.s3().endpoint()))
            .region(Region.of(LocalS3.REGION))
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(LocalS3.ACCESS_KEY_ID, LocalS3.SECRET_ACCESS_KEY)))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build();
  }

  @AfterEach
  void close() throws IOException {
    store.close();
    inspect.close();
  }

  /** Built as the services build it: from their configuration block, with 5 MiB parts. */
  static BlobStore store(String endpoint, String bucket) throws IOException {
    String json =
        """
        {"type": "s3", "bucket": "%s", "endpoint": "%s", "region": "%s", "pathStyle": true,
         "accessKeyId": "%s", "secretAccessKey": "%s", "partSize": "5MiB",
         "connectTimeout": "1s", "requestTimeout": "5s"}"""
            .formatted(
                bucket, endpoint, LocalS3.REGION, LocalS3.ACCESS_KEY_ID, LocalS3.SECRET_ACCESS_KEY);
    return JSON.readValue(json, BlobSettings.class).build();
  }

  @Test
  void smallBodyIsStoredUnderItsSha256AndReadsBack() throws Exception {
    byte[] image = image(ImageTypeTest.PNG_HEAD, 300_000);
    String sha256 = sha256(image);

    StoredBlob blob = store.put(new ByteArrayInputStream(image), 20 * MIB);

    assertEquals(new StoredBlob(sha256, sha256, image.length, ImageType.PNG), blob);
    assertTrue(store.exists(blob.key()));
    try (InputStream in = store.open(blob.key())) {
      assertArrayEquals(image, in.readAllBytes());
    }
    String name = "sha256/" + sha256.substring(0, 2) + "/" + sha256.substring(2, 4) + "/" + sha256;
    assertEquals(List.of(name), objects());
    assertEquals("image/png", inspect.headObject(b -> b.bucket(bucket).key(name)).contentType());
    assertEquals(0, pendingUploads());
  }

  @Test
  void bodyOverOnePartStreamsAsMultipartHoldingOnePartAtATime() throws Exception {
    byte[] image = image(ImageTypeTest.JPEG_HEAD, 12 * MIB + 12_345);
    List<Integer> partsUploadedAt11MiB = new ArrayList<>();
    // While the body is still arriving (11 MiB read of 12), its first two 5 MiB parts must
    // already be in the store: the upload streams, it does not gather the body first.
    InputStream body =
        new ByteArrayInputStream(image) {
          private boolean looked;

          @Override
          public synchronized int read(byte[] b, int off, int len) {
            if (!looked && image.length - available() >= 11 * MIB) {
              looked = true;
              partsUploadedAt11MiB.add(partsOfPendingUpload());
            }
            return super.read(b, off, len);
          }
        };

    StoredBlob blob = store.put(body, 20 * MIB);

    assertEquals(List.of(2), partsUploadedAt11MiB);
    assertEquals(sha256(image), blob.key());
    assertEquals(image.length, blob.sizeBytes());
    assertEquals(ImageType.JPEG, blob.type());
    try (InputStream in = store.open(blob.key())) {
      assertArrayEquals(image, in.readAllBytes());
    }
    assertEquals(List.of(contentName(blob.key())), objects(), "the temporary object is gone");
    assertEquals(0, pendingUploads());
  }

  /**
   * A small upload holds what arrived, not a part; uploads in flight together hold no more than the
   * budget, and one beyond it is refused as the store being unavailable (a 503 for the client)
   * instead of the process running out of memory while a slow store keeps uploads waiting.
   */
  @Test
  void uploadsInFlightHoldWhatArrivedWithinTheBufferBudget() throws Exception {
    String json =
        """
        {"type": "s3", "bucket": "%s", "endpoint": "%s", "region": "%s", "pathStyle": true,
         "accessKeyId": "%s", "secretAccessKey": "%s", "partSize": "5MiB",
         "bufferBudget": "5MiB"}"""
            .formatted(
                bucket,
                SharedInfra.s3().endpoint(),
                LocalS3.REGION,
                LocalS3.ACCESS_KEY_ID,
                LocalS3.SECRET_ACCESS_KEY);
    S3BlobStore budgeted = (S3BlobStore) JSON.readValue(json, BlobSettings.class).build();
    ExecutorService uploads = Executors.newSingleThreadExecutor();
    CountDownLatch smallGoOn = new CountDownLatch(1);
    try {
      // A 300 KB image stalled after 100 KB: its buffer grew from 64 KiB to 128 KiB, no more.
      byte[] small = image(ImageTypeTest.PNG_HEAD, 300_000);
      Future<StoredBlob> smallDone =
          uploads.submit(() -> budgeted.put(stalling(small, 100_000, smallGoOn), 20 * MIB));
      awaitBuffered(budgeted, 128 * 1024);

      // A 7 MiB image needs a whole 5 MiB part; with the small one's share that is more than the
      // budget, so it is refused before it reaches the store, and gives back what it took.
      byte[] large = image(ImageTypeTest.JPEG_HEAD, 7 * MIB);
      assertThrows(
          BlobStoreUnavailableException.class,
          () -> budgeted.put(new ByteArrayInputStream(large), 20 * MIB));
      assertEquals(128 * 1024, budgeted.bufferedBytes(), "the refused upload gave back its share");
      assertEquals(List.of(), objects(), "nothing reached the store");

      smallGoOn.countDown();
      assertEquals(sha256(small), smallDone.get(30, TimeUnit.SECONDS).key());
      assertEquals(0, budgeted.bufferedBytes());

      // With the budget free again, the large one goes through, a part at a time.
      assertEquals(sha256(large), budgeted.put(new ByteArrayInputStream(large), 20 * MIB).key());
      assertEquals(0, budgeted.bufferedBytes());
      assertEquals(0, pendingUploads());
    } finally {
      smallGoOn.countDown();
      uploads.shutdownNow();
      budgeted.close();
    }
  }

  /** {@code bytes}, delivering the first {@code stallAt} of them, then waiting for {@code goOn}. */
  private static InputStream stalling(byte[] bytes, int stallAt, CountDownLatch goOn) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        int delivered = bytes.length - available();
        if (delivered >= stallAt) {
          try {
            goOn.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.read(b, off, delivered < stallAt ? Math.min(len, stallAt - delivered) : len);
      }
    };
  }

  private static void awaitBuffered(S3BlobStore store, long bytes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (store.bufferedBytes() != bytes && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(bytes, store.bufferedBytes());
  }

  @Test
  void bodyOfExactlyOnePartIsStored() throws Exception {
    byte[] image = image(ImageTypeTest.JPEG_HEAD, 5 * MIB);

    StoredBlob blob = store.put(new ByteArrayInputStream(image), 20 * MIB);

    try (InputStream in = store.open(blob.key())) {
      assertArrayEquals(image, in.readAllBytes());
    }
    assertEquals(List.of(contentName(blob.key())), objects());
    assertEquals(0, pendingUploads());
  }

  @Test
  void tooLargeIsRefusedWhileStreamingAndLeavesNothing() throws Exception {
    long limit = 7L * MIB;
    GeneratedInput huge = new GeneratedInput(ImageTypeTest.JPEG_HEAD, 1L << 40);

    assertThrows(TooLargeException.class, () -> store.put(huge, limit));

    assertEquals(limit + 1, huge.bytesRead(), "stops one byte past the limit");
    assertEquals(List.of(), objects());
    assertEquals(0, pendingUploads(), "the multipart upload was aborted");
  }

  @Test
  void tooLargeWithinTheFirstPartNeverTouchesTheStore() throws Exception {
    GeneratedInput huge = new GeneratedInput(ImageTypeTest.JPEG_HEAD, 1L << 40);

    assertThrows(TooLargeException.class, () -> store.put(huge, MIB));

    assertEquals(MIB + 1, huge.bytesRead());
    assertEquals(List.of(), objects());
    assertEquals(0, pendingUploads());
  }

  @Test
  void unsupportedAndEmptyBodiesLeaveNothing() throws Exception {
    byte[] text = "this is a text file, not an image".getBytes(UTF_8);
    assertThrows(
        UnsupportedImageException.class, () -> store.put(new ByteArrayInputStream(text), MIB));
    assertThrows(
        EmptyContentException.class, () -> store.put(new ByteArrayInputStream(new byte[0]), MIB));
    assertEquals(List.of(), objects());
    assertEquals(0, pendingUploads());
  }

  @Test
  void clientGoneMidBodyAbortsTheMultipartUpload() throws Exception {
    GeneratedInput dropped = new GeneratedInput(ImageTypeTest.JPEG_HEAD, 20L * MIB, 8L * MIB);

    IOException e = assertThrows(IOException.class, () -> store.put(dropped, 20 * MIB));

    assertEquals("connection reset", e.getMessage(), "the client's failure, not the store's");
    assertEquals(List.of(), objects());
    assertEquals(0, pendingUploads());
  }

  @Test
  void derivedBlobsAreStoredReplacedAndRead() throws Exception {
    String key = "thumbnails/0190-abc/128.jpg";
    assertFalse(store.exists(key));

    store.putDerived(key, "first".getBytes(UTF_8));
    store.putDerived(key, "second".getBytes(UTF_8));

    assertTrue(store.exists(key));
    try (InputStream in = store.open(key)) {
      assertEquals("second", new String(in.readAllBytes(), UTF_8));
    }
    assertEquals(List.of("derived/" + key), objects());
    assertThrows(IllegalArgumentException.class, () -> store.putDerived("../escape", new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> store.open("/etc/passwd"));
  }

  @Test
  void missingKeyIsNoSuchFile() {
    String absent = "a".repeat(64);
    assertThrows(NoSuchFileException.class, () -> store.open(absent));
    assertThrows(NoSuchFileException.class, () -> store.open("thumbnails/none/128.jpg"));
    assertFalse(store.exists(absent));
  }

  @Test
  void missingBucketIsTheStoreFailingNotAMissingBlob() throws Exception {
    try (BlobStore wrong = store(SharedInfra.s3().endpoint(), "no-such-bucket-here")) {
      assertThrows(BlobStoreUnavailableException.class, () -> wrong.open("a".repeat(64)));
      assertThrows(
          BlobStoreUnavailableException.class, () -> wrong.putDerived("x/1.jpg", new byte[1]));
    }
  }

  @Test
  void unreachableStoreIsUnavailable() throws Exception {
    byte[] image = image(ImageTypeTest.PNG_HEAD, 1_000);
    try (FlakyTcpProxy proxy = FlakyTcpProxy.start("127.0.0.1", SharedInfra.s3().port());
        BlobStore behind = store("http://127.0.0.1:" + proxy.port(), bucket)) {
      behind.putDerived("thumbnails/up/1.jpg", "up".getBytes(UTF_8));

      proxy.setDown(true);
      proxy.dropConnections();

      assertThrows(
          BlobStoreUnavailableException.class,
          () -> behind.put(new ByteArrayInputStream(image), MIB));
      assertThrows(BlobStoreUnavailableException.class, () -> behind.open("thumbnails/up/1.jpg"));
      assertThrows(
          BlobStoreUnavailableException.class,
          () -> behind.putDerived("thumbnails/up/2.jpg", new byte[1]));

      proxy.setDown(false);
      try (InputStream in = behind.open("thumbnails/up/1.jpg")) {
        assertEquals("up", new String(in.readAllBytes(), UTF_8));
      }
    }
  }

  /** Every object in the bucket; not the directories that the filesystem back end lists too. */
  private List<String> objects() {
    return inspect.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
        .map(S3Object::key)
        .filter(key -> !key.endsWith("/"))
        .toList();
  }

  private int pendingUploads() {
    return inspect.listMultipartUploads(b -> b.bucket(bucket)).uploads().size();
  }

  private int partsOfPendingUpload() {
    var uploads = inspect.listMultipartUploads(b -> b.bucket(bucket)).uploads();
    if (uploads.size() != 1) {
      return -uploads.size();
    }
    var upload = uploads.get(0);
    return inspect
        .listParts(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()))
        .parts()
        .size();
  }

  private static String contentName(String hex) {
    return "sha256/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
  }

  private byte[] image(byte[] head, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    System.arraycopy(head, 0, bytes, 0, head.length);
    return bytes;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
