package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.infra.LocalS3;
import dev.uploads.infra.SharedInfra;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The system with the API and the worker on the S3 blob store, each on its own host as far as the
 * store can tell: the worker reads what the API wrote only through the bucket.
 */
class S3BlobStoreSystemTest {
  private static SystemHarness system;

  @BeforeAll
  static void start() throws Exception {
    system = SystemHarness.onS3();
  }

  @Test
  void thumbnailsAreMadeFromTheBucketAndServedThroughTheApi() throws Exception {
    Client client = system.newClient("s3-happy@example.test");
    String id = client.upload(Images.jpeg(800, 600));

    SystemHarness.await(
        "the upload is ready", Duration.ofSeconds(60), () -> HappyPathTest.ready(client, id));
    JsonNode upload = client.json("/v1/uploads/" + id);
    assertEquals(2, upload.get("thumbnails").size());
    for (JsonNode thumbnail : upload.get("thumbnails")) {
      HttpResponse<byte[]> response = client.get(thumbnail.get("url").asText());
      assertEquals(200, response.statusCode());
      assertEquals("image/jpeg", response.headers().firstValue("Content-Type").orElseThrow());
      var decoded = ImageIO.read(new ByteArrayInputStream(response.body()));
      assertEquals(thumbnail.get("width").asInt(), decoded.getWidth());
      assertEquals(thumbnail.get("height").asInt(), decoded.getHeight());
    }
    SystemHarness.await(
        "the email arrives", Duration.ofSeconds(60), () -> client.mailsReceived() >= 1);
  }

  /**
   * The worker loses the store for ten seconds while uploads keep arriving: the thumbnails job
   * pauses on its blob store breaker, nothing is dead-lettered, no upload fails, and every upload
   * is ready once the store is back.
   */
  @Test
  void storeOutageForTheWorkerPausesThumbnailsAndFailsNothing() throws Exception {
    Client client = system.newClient("s3-outage@example.test");
    List<String> ids = new ArrayList<>();
    Set<String> breakerStates = new HashSet<>();
    system.workerToS3.setDown(true);
    system.workerToS3.dropConnections();
    try {
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < end && ids.size() < 100) {
        ids.add(client.upload(Images.jpeg(320, 240)));
        breakerStates.add(blobBreaker());
        Thread.sleep(250);
      }
      breakerStates.add(blobBreaker());
      for (String id : ids) {
        assertEquals("received", client.status(id), "nothing is processed without the store");
      }
    } finally {
      system.workerToS3.setDown(false);
    }
    assertTrue(breakerStates.contains("OPEN"), "the breaker opened: " + breakerStates);

    for (String id : ids) {
      SystemHarness.await(
          id + " is ready after the outage",
          Duration.ofSeconds(90),
          () -> HappyPathTest.ready(client, id));
    }
    for (String id : ids) {
      assertEquals(
          0, system.count("SELECT count(*) FROM dead_letters WHERE event_key = ?", id), id);
    }
    for (String id : ids) {
      assertEquals("ready", client.status(id), "no upload failed");
    }
    System.out.printf(
        "blob store outage: %d uploads during 10 s, breaker %s, all ready after%n",
        ids.size(), breakerStates);
  }

  /**
   * A blob that is gone although its upload committed (here: deleted behind the system's back) is
   * retried like a blob not yet visible, then dead-lettered and the upload fails; the breaker is
   * not involved, so other uploads go on.
   */
  @Test
  void missingBlobIsRetriedThenDeadLetteredAndTheUploadFails() throws Exception {
    Client client = system.newClient("s3-missing@example.test");
    system.workerToS3.setDown(true);
    system.workerToS3.dropConnections();
    String gone;
    try {
      gone = client.upload(Images.jpeg(300, 200));
      String blobKey =
          system.jdbi.withHandle(
              h ->
                  h.createQuery("SELECT blob_key FROM uploads WHERE id = ?::uuid")
                      .bind(0, gone)
                      .mapTo(String.class)
                      .one());
      try (S3Client s3 = s3Client()) {
        String name =
            "sha256/" + blobKey.substring(0, 2) + "/" + blobKey.substring(2, 4) + "/" + blobKey;
        s3.deleteObject(b -> b.bucket(system.bucket).key(name));
      }
    } finally {
      system.workerToS3.setDown(false);
    }
    String fine = client.upload(Images.jpeg(200, 100));

    SystemHarness.await(
        "the upload with the missing blob failed",
        Duration.ofSeconds(90),
        () -> {
          try {
            return client.status(gone).equals("failed");
          } catch (Exception e) {
            return false;
          }
        });
    SystemHarness.await(
        "the other upload is ready",
        Duration.ofSeconds(60),
        () -> HappyPathTest.ready(client, fine));
    JsonNode failure = client.json("/v1/uploads/" + gone).get("failure");
    assertEquals("processing_failed", failure.get("code").asText());
    assertEquals(
        5,
        system.count(
            "SELECT attempt_count FROM dead_letters WHERE job = 'thumbnails' AND event_key = ?",
            gone),
        "every retry was spent before giving up");
  }

  private static S3Client s3Client() {
    return S3Client.builder()
        .endpointOverride(URI.create(SharedInfra.s3().endpoint()))
        .region(Region.of(LocalS3.REGION))
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LocalS3.ACCESS_KEY_ID, LocalS3.SECRET_ACCESS_KEY)))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  @Test
  void storeUnreachableFromTheApiIs503WithRetryAfter() throws Exception {
    Client client = system.newClient("s3-api-outage@example.test");
    system.apiToS3.setDown(true);
    system.apiToS3.dropConnections();
    try {
      HttpResponse<byte[]> refused = postRaw(client, Images.jpeg(64, 48));
      assertEquals(503, refused.statusCode());
      assertEquals(
          "application/problem+json",
          refused.headers().firstValue("Content-Type").orElseThrow().split(";")[0]);
      assertEquals("5", refused.headers().firstValue("Retry-After").orElseThrow());
    } finally {
      system.apiToS3.setDown(false);
    }
    assertEquals(202, postRaw(client, Images.jpeg(64, 48)).statusCode());
  }

  private String blobBreaker() {
    try {
      return system.workerMetrics().at("/gauges/breaker.blobs.state/value").asText();
    } catch (Exception e) {
      return "unknown: " + e;
    }
  }

  private static HttpResponse<byte[]> postRaw(Client client, byte[] image) throws Exception {
    return system.send(
        HttpRequest.newBuilder(URI.create(system.apiUrl("/v1/uploads")))
            .header("Authorization", "Bearer " + client.key())
            .header("Content-Type", "image/jpeg")
            .POST(HttpRequest.BodyPublishers.ofByteArray(image))
            .build());
  }
}
