package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.infra.FlakyTcpProxy;
import dev.uploads.infra.LocalS3;
import dev.uploads.infra.SharedInfra;
import dev.uploads.schema.blob.BlobSettings;
import dev.uploads.schema.blob.BlobStore;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API on the S3 blob store (a real S3-compatible server behind a proxy that can cut it off):
 * uploads stream into the bucket, limits hold, and an unreachable store is a 503 the client may
 * retry, never a 500 or a 400.
 */
class S3UploadTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MIB = 1024 * 1024;

  private static FlakyTcpProxy proxy;
  private static TestApi api;
  private static BlobStore bucket;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    LocalS3 s3 = SharedInfra.s3();
    String name = SharedInfra.newBucket();
    proxy = FlakyTcpProxy.start("127.0.0.1", s3.port());
    String blobs =
        ("{type: s3, bucket: %s, endpoint: 'http://127.0.0.1:%d', region: %s, pathStyle: true,"
                + " accessKeyId: %s, secretAccessKey: %s, partSize: 5MiB,"
                + " connectTimeout: 1s, requestTimeout: 5s}")
            .formatted(
                name,
                proxy.port(),
                LocalS3.REGION,
                LocalS3.ACCESS_KEY_ID,
                LocalS3.SECRET_ACCESS_KEY);
    api = TestApi.start(false, "12MiB", TestApi.Options.DEFAULT.withBlobs(blobs));
    key = api.newApiKey();
    // The same settings, straight to the server: what the API stored, as a worker would read it.
    BlobSettings direct =
        JSON.readValue(
            """
            {"type": "s3", "bucket": "%s", "endpoint": "%s", "pathStyle": true,
             "accessKeyId": "%s", "secretAccessKey": "%s"}"""
                .formatted(name, s3.endpoint(), LocalS3.ACCESS_KEY_ID, LocalS3.SECRET_ACCESS_KEY),
            BlobSettings.class);
    bucket = direct.build();
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
    bucket.close();
    proxy.close();
  }

  @Test
  void smallAndMultipartUploadsLandInTheBucketUnderTheirContentKeys() throws Exception {
    for (byte[] image : new byte[][] {Images.jpeg(), jpegOf(11 * MIB)}) {
      HttpResponse<String> response = api.postImage(key, image);
      assertEquals(202, response.statusCode(), response.body());
      JsonNode upload = JSON.readTree(response.body());
      assertEquals(image.length, upload.get("size_bytes").asLong());
      String blobKey =
          api.jdbi.withHandle(
              h ->
                  h.createQuery("SELECT blob_key FROM uploads WHERE id = ?::uuid")
                      .bind(0, upload.get("id").asText())
                      .mapTo(String.class)
                      .one());
      try (InputStream in = bucket.open(blobKey)) {
        assertArrayEquals(image, in.readAllBytes());
      }
    }
  }

  @Test
  void tooLargeAndNonImagesAreRefusedAsOnDisk() throws Exception {
    // Streamed into the store until past the limit, then refused (read while it is sent: see
    // OversizeTest.send); and no upload is recorded for it.
    long before = uploads();
    OversizeTest.Result tooLarge = OversizeTest.send(api, key, "Transfer-Encoding: chunked");
    assertEquals(413, tooLarge.status());
    assertTrue(tooLarge.bytesSent() < 64L * MIB, "sent " + tooLarge.bytesSent());
    assertEquals(before, uploads());
    UploadApiTest.assertProblem(api.postImage(key, "plain text".getBytes()), 415);
  }

  @Test
  void unreachableStoreIs503WithRetryAfterAndTheApiRecovers() throws Exception {
    assertEquals(202, api.postImage(key, Images.jpeg()).statusCode());
    long before = uploads();
    proxy.setDown(true);
    proxy.dropConnections();
    try {
      for (byte[] image : new byte[][] {Images.png(), jpegOf(7 * MIB)}) {
        HttpResponse<String> refused = api.postImage(key, image);
        UploadApiTest.assertProblem(refused, 503);
        assertEquals("5", refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(JSON.readTree(refused.body()).get("detail").asText().contains("blob store"));
      }
      assertEquals(before, uploads(), "no upload was recorded without its blob");
    } finally {
      proxy.setDown(false);
    }
    assertEquals(202, api.postImage(key, Images.png()).statusCode(), "recovers by itself");
  }

  private static long uploads() {
    return api.jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM uploads").mapTo(Long.class).one());
  }

  private static byte[] jpegOf(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    byte[] head = Images.jpeg();
    System.arraycopy(head, 0, bytes, 0, 16);
    return bytes;
  }
}
