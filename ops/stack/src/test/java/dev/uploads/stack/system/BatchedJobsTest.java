package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backlog reaches the thumbnails and emails jobs in batches, one transaction each. A bad image in
 * the middle of a batch fails only its own upload; every other event is applied exactly once.
 */
class BatchedJobsTest {
  private static final int UPLOADS = 24;
  private static final List<Integer> BAD = List.of(5, 17);

  @Test
  void aBacklogIsAppliedInBatchesAndABadImageFailsOnlyItself() throws Exception {
    SystemHarness system = SystemHarness.get();
    Client client = system.newClient("batches@example.test");
    List<String> good = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    // With the worker down, the events wait on the topic and arrive in one poll when it starts.
    system.killWorker();
    try {
      for (int i = 0; i < UPLOADS; i++) {
        if (BAD.contains(i)) {
          byte[] jpeg = Images.jpeg(320, 240);
          bad.add(client.upload(Arrays.copyOf(jpeg, jpeg.length / 2)));
        } else {
          good.add(client.upload(Images.jpeg(64 + i, 48)));
        }
      }
    } finally {
      system.startWorker();
    }

    SystemHarness.await(
        "every good upload is ready and every bad one failed",
        Duration.ofSeconds(120),
        () ->
            good.stream().allMatch(id -> status(client, id).equals("ready"))
                && bad.stream().allMatch(id -> status(client, id).equals("failed")));
    SystemHarness.await(
        "one mail per good upload",
        Duration.ofSeconds(60),
        () -> client.mailsReceived() >= good.size());
    SystemHarness.await(
        "the counters",
        Duration.ofSeconds(60),
        () -> HappyPathTest.emailsCounted(client) >= good.size());
    Thread.sleep(1_000); // anything applied twice would show by now

    assertEquals(good.size(), client.mailsReceived(), "one mail each, none twice");
    for (String id : good) {
      assertEquals(
          2, system.count("SELECT count(*) FROM thumbnails WHERE upload_id = ?::uuid", id));
      assertEquals(
          1, system.count("SELECT count(*) FROM email_deliveries WHERE upload_id = ?::uuid", id));
      JsonNode upload = client.json("/v1/uploads/" + id);
      assertEquals(2, upload.get("thumbnails").size());
    }
    for (String id : bad) {
      assertEquals(
          1,
          system.count(
              "SELECT count(*) FROM dead_letters WHERE job = 'thumbnails' AND event_key = ?", id));
      assertEquals(
          0, system.count("SELECT count(*) FROM email_deliveries WHERE upload_id = ?::uuid", id));
    }
    JsonNode stats = client.json("/v1/stats").get("total");
    assertEquals(UPLOADS, stats.path("uploads_received").asLong(), stats.toString());
    assertEquals(2L * good.size(), stats.path("thumbnails_made").asLong(), stats.toString());
    assertEquals(good.size(), stats.path("emails_sent").asLong(), stats.toString());

    JsonNode histograms = system.workerMetrics().path("histograms");
    for (String job : new String[] {"thumbnails", "emails"}) {
      long largest = histograms.path("job." + job + ".batch-size").path("max").asLong();
      assertTrue(largest > 1, job + " applied events in batches, largest " + largest);
    }
  }

  private static String status(Client client, String id) {
    try {
      return client.status(id);
    } catch (Exception e) {
      return "unknown";
    }
  }
}
