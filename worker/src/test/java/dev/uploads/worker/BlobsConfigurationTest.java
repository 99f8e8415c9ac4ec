package dev.uploads.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uploads.schema.blob.BlobSettings;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's {@code blobs} block as Dropwizard reads it, and the older {@code blobRoot}. */
class BlobsConfigurationTest {
  @TempDir Path dir;

  @Test
  void s3BlockIsRead() throws Exception {
    BlobSettings blobs =
        read("""
                blobs: {type: s3, bucket: uploads, endpoint: "http://127.0.0.1:9000",
                        pathStyle: true, accessKeyId: a, secretAccessKey: b}
                """)
            .getBlobs();
    assertEquals(BlobSettings.Type.S3, blobs.getType());
    assertEquals("uploads", blobs.getBucket());
  }

  @Test
  void theOlderBlobRootStillMeansAFileSystemStore() throws Exception {
    BlobSettings blobs = read("blobRoot: /srv/blobs\n").getBlobs();
    assertEquals(BlobSettings.Type.FILESYSTEM, blobs.getType());
    assertEquals("/srv/blobs", blobs.getRoot());
    assertEquals(".local/blobs", read("").getBlobs().getRoot());
  }

  @Test
  void incompleteOrContradictorySettingsStopStartUp() {
    assertRefused("blobs: {type: s3}\n", "type s3 needs a bucket");
    assertRefused("blobs: {type: s3, bucket: b, accessKeyId: a}\n", "give both or neither");
    assertRefused("blobs: {type: s3, bucket: b, endpoint: minio:9000}\n", "http or https URL");
    assertRefused("blobs: {type: s3, bucket: b, partSize: 1MiB}\n", "partSize");
    assertRefused(
        "blobs: {type: s3, bucket: b, partSize: 8MiB, bufferBudget: 4MiB}\n", "bufferBudget");
    assertRefused("blobRoot: /a\nblobs: {type: filesystem, root: /b}\n", "not both");
  }

  private void assertRefused(String yaml, String message) {
    ConfigurationValidationException e =
        assertThrows(ConfigurationValidationException.class, () -> read(yaml));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  private WorkerConfiguration read(String yaml) throws Exception {
    String database = "database: {driverClass: org.postgresql.Driver, url: 'jdbc:postgresql:x'}\n";
    Path file = Files.writeString(Files.createTempFile(dir, "worker", ".yml"), database + yaml);
    return new YamlConfigurationFactory<>(
            WorkerConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
        .build(file.toFile());
  }
}
