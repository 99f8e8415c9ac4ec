package dev.uploads.infra;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalS3Test {

  @Test
  void servesSignedRequestsRefusesWhenStoppedAndKeepsObjectsOverRestart(@TempDir Path dir) {
    try (LocalS3 s3 = LocalS3.start(dir, 0);
        S3Client client = client(s3.endpoint(), LocalS3.SECRET_ACCESS_KEY)) {
      s3.createBucket("kept");
      client.putObject(b -> b.bucket("kept").key("a/b.txt"), RequestBody.fromString("hello"));

      s3.stop();
      assertFalse(s3.isRunning());
      assertThrows(
          SdkClientException.class,
          () -> client.getObjectAsBytes(b -> b.bucket("kept").key("a/b.txt")));

      s3.restart();
      assertTrue(s3.isRunning());
      assertEquals(
          "hello", client.getObjectAsBytes(b -> b.bucket("kept").key("a/b.txt")).asString(UTF_8));
    }
  }

  @Test
  void refusesAWrongSecret(@TempDir Path dir) {
    try (LocalS3 s3 = LocalS3.start(dir, 0);
        S3Client client = client(s3.endpoint(), "not-the-secret")) {
      s3.createBucket("guarded");
      S3Exception refused =
          assertThrows(
              S3Exception.class,
              () -> client.putObject(b -> b.bucket("guarded").key("x"), RequestBody.empty()));
      assertEquals(403, refused.statusCode());
    }
  }

  private static S3Client client(String endpoint, String secret) {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.of(LocalS3.REGION))
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LocalS3.ACCESS_KEY_ID, secret)))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        // As the blob store configures it: S3Proxy does not verify the SDK's newer default, CRC32
        // checksums in aws-chunked trailers, and refuses such uploads.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .build();
  }
}
