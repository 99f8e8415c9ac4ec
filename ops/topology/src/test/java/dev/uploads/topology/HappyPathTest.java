package dev.uploads.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;

/** One upload's way through the topology, each hop in another container. */
@ExtendWith(TopologyExtension.class)
class HappyPathTest {
  @Test
  void uploadThroughReplicaAIsReadThroughReplicaB(Topology topology) throws Exception {
    Client client = topology.account("replicas@example.test");
    byte[] image = Images.jpeg(640, 480);
    String id = client.upload(topology.apis.get(0), image);
    JsonNode read = client.json(topology.apis.get(1), "/v1/uploads/" + id);
    System.out.printf(
        "[replicas] uploaded %s (%d bytes) through replica A; replica B reads status %s, %d bytes%n",
        id, image.length, read.get("status").asText(), read.get("size_bytes").asLong());
    assertEquals(id, read.get("id").asText());
    assertEquals(image.length, read.get("size_bytes").asLong());
  }

  @Test
  void aWorkerReadsTheBlobFromS3AndTheUploadBecomesReady(Topology topology) throws Exception {
    Client client = topology.account("s3@example.test");
    String id = client.upload(topology.apis.get(0), Images.jpeg(800, 600));
    Duration took =
        Await.until(
            "upload " + id + " ready",
            Duration.ofSeconds(90),
            () ->
                "ready"
                    .equals(
                        client
                            .json(topology.apis.get(1), "/v1/uploads/" + id)
                            .get("status")
                            .asText()));
    Sql sql = new Sql(topology);
    List<String> keys = new ArrayList<>();
    keys.add(sql.text("SELECT blob_key FROM uploads WHERE id = ?::uuid", id));
    keys.addAll(
        List.of(
            sql.text(
                    "SELECT string_agg(blob_key, ' ') FROM thumbnails WHERE upload_id = ?::uuid",
                    id)
                .split(" ")));
    for (String key : keys) {
      assertTrue(topology.inBucket(key), "object " + key + " in the S3 store's bucket");
    }
    // Nothing went through a local disk: no API replica or worker holds a blob file.
    int localBlobs = 0;
    List<GenericContainer<?>> services = new ArrayList<>(topology.apis);
    services.addAll(topology.workers);
    for (GenericContainer<?> service : services) {
      String files =
          service.execInContainer("find", "/var/lib/uploads/blobs", "-type", "f").getStdout();
      localBlobs += files.isBlank() ? 0 : files.strip().split("\n").length;
    }
    HttpResponse<byte[]> thumbnail =
        client.get(topology.apis.get(1), "/v1/uploads/" + id + "/thumbnails/128");
    System.out.printf(
        "[s3] upload %s ready after %d ms; in the bucket: %s; blob files on the services' disks: %d;"
            + " thumbnail 128 through replica B: %d, %d bytes%n",
        id, took.toMillis(), keys, localBlobs, thumbnail.statusCode(), thumbnail.body().length);
    assertEquals(0, localBlobs);
    assertEquals(200, thumbnail.statusCode());
    assertTrue(thumbnail.body().length > 0);
  }

  @Test
  void theMailReachesTheCatcherAndTheStatsAreCounted(Topology topology) throws Exception {
    Client client = topology.account("mail@example.test");
    Set<String> ids = new HashSet<>();
    long bytes = 0;
    for (int i = 0; i < 3; i++) {
      byte[] image = Images.jpeg(320, 240);
      bytes += image.length;
      ids.add(client.upload(topology.apis.get(i % 2), image));
    }
    Mailbox mailbox = new Mailbox(topology);
    Duration took =
        Await.until(
            "3 mails at the catcher",
            Duration.ofSeconds(120),
            () -> mailbox.messageIds(client.email()).size() >= 3);
    List<String> mails = mailbox.messageIds(client.email());
    // email.sent is counted once its delivery committed.
    Await.until(
        "stats counted",
        Duration.ofSeconds(60),
        () -> client.stats(topology.apis.get(0)).get("emails_sent").asLong() == 3);
    Sql sql = new Sql(topology);
    Set<String> expected = new HashSet<>();
    for (String id : ids) {
      expected.add(
          sql.text("SELECT message_id FROM email_deliveries WHERE upload_id = ?::uuid", id));
    }
    JsonNode stats = client.stats(topology.apis.get(1));
    System.out.printf(
        "[mail+stats] %d mails at the catcher after %d ms, Message-IDs %s; GET /v1/stats total %s%n",
        mails.size(), took.toMillis(), mails, stats);
    assertEquals(expected, new HashSet<>(mails));
    assertEquals(3, mails.size());
    assertEquals(3, stats.get("uploads_received").asLong());
    assertEquals(bytes, stats.get("bytes_received").asLong());
    assertEquals(6, stats.get("thumbnails_made").asLong());
    assertEquals(3, stats.get("emails_sent").asLong());
    assertEquals(0, stats.get("dead_letters").asLong());
  }
}
