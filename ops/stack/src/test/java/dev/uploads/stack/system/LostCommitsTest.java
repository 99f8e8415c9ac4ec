package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.Topics;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The worker's writes apply but it does not hear so: the reply to a COMMIT is cut off, again and
 * again, while uploads flow. Whichever job's commit it was, the job sees a failure, retries, finds
 * its effect recorded and applies nothing twice.
 */
class LostCommitsTest {
  private static final int ROUNDS = 8;
  private static final int PER_ROUND = 3;

  @Test
  void commitsWhoseRepliesAreLostApplyEveryEffectOnce() throws Exception {
    SystemHarness system = SystemHarness.get();
    Client client = system.newClient("lost-commits@example.test");
    int lostBefore = system.workerToDatabase.lostReplies();
    List<String> ids = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      system.workerToDatabase.loseNextReplyContaining("COMMIT\0");
      for (int i = 0; i < PER_ROUND; i++) {
        ids.add(client.upload(Images.jpeg(160 + ids.size(), 120)));
      }
      int expected = lostBefore + round + 1;
      SystemHarness.await(
          "commit reply " + (round + 1) + " is lost",
          Duration.ofSeconds(30),
          () -> system.workerToDatabase.lostReplies() == expected);
    }
    SystemHarness.await(
        "every upload is ready",
        Duration.ofSeconds(120),
        () -> ids.stream().allMatch(id -> HappyPathTest.ready(client, id)));
    SystemHarness.await(
        "every mail is counted",
        Duration.ofSeconds(60),
        () -> HappyPathTest.emailsCounted(client) == ids.size());
    Thread.sleep(2_000); // a duplicate effect would show by now

    int n = ids.size();
    String inIds = "upload_id = ANY(?::uuid[])";
    String[] idArray = ids.toArray(String[]::new);
    assertEquals(
        n, system.count("SELECT count(*) FROM email_deliveries WHERE " + inIds, (Object) idArray));
    assertEquals(
        n,
        system.count(
            "SELECT count(DISTINCT upload_id) FROM email_deliveries WHERE " + inIds,
            (Object) idArray));
    assertEquals(
        2L * n, system.count("SELECT count(*) FROM thumbnails WHERE " + inIds, (Object) idArray));
    assertEquals(
        0,
        system.count(
            "SELECT count(*) FROM dead_letters WHERE event_key = ANY(?)", (Object) idArray));
    var total = client.json("/v1/stats").get("total");
    assertEquals(n, total.get("uploads_received").asLong());
    assertEquals(2L * n, total.get("thumbnails_made").asLong());
    assertEquals(n, total.get("emails_sent").asLong());
    assertEquals(0, total.get("dead_letters").asLong());

    List<String> messageIds = new ArrayList<>();
    for (MimeMessage mail : system.smtp.received()) {
      if (mail.getAllRecipients()[0].toString().equals(client.email())) {
        messageIds.add(mail.getMessageID());
      }
    }
    assertEquals(n, new HashSet<>(messageIds).size(), "one distinct Message-ID per upload");

    Set<String> keys = new HashSet<>(ids);
    var records =
        Topic.read(
            Topics.UPLOADS,
            rs ->
                rs.stream()
                            .filter(r -> keys.contains(Topic.key(r)))
                            .map(Topic::key)
                            .distinct()
                            .count()
                        == n
                    && eventsPerKey(rs, keys, "email.sent").size() == n,
            Duration.ofSeconds(60));
    for (String type : List.of("upload.thumbnailed", "email.sent")) {
      Map<String, Set<String>> events = eventsPerKey(records, keys, type);
      assertEquals(n, events.size(), type + " for every upload");
      assertTrue(
          events.values().stream().allMatch(e -> e.size() == 1), "one " + type + " event each");
    }
    System.out.printf(
        "lost commits: %d commit replies cut off in the worker; %d uploads ready, %d mails for %d"
            + " distinct Message-IDs, every effect once, no dead letter%n",
        system.workerToDatabase.lostReplies() - lostBefore, n, messageIds.size(), n);
  }

  /** Distinct event ids of one type per upload key, among the given keys. */
  private static Map<String, Set<String>> eventsPerKey(
      List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records,
      Set<String> keys,
      String type) {
    Map<String, Set<String>> events = new HashMap<>();
    for (var record : records) {
      if (keys.contains(Topic.key(record))
          && type.equals(Topic.header(record, EventHeaders.EVENT_TYPE))) {
        events
            .computeIfAbsent(Topic.key(record), k -> new HashSet<>())
            .add(Topic.header(record, EventHeaders.EVENT_ID));
      }
    }
    return events;
  }
}
