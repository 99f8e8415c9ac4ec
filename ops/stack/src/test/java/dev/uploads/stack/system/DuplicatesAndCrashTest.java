package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.schema.EmailSent;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.EventJson;
import dev.uploads.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Kafka delivers at least once; every effect must still happen exactly once per event. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DuplicatesAndCrashTest {
  private static final int UPLOADS = 500;

  @Test
  @Order(1)
  void everyEventDeliveredTwiceStillHasOneEffect() throws Exception {
    SystemHarness system = SystemHarness.get();
    Client client = system.newClient("twice@example.test");
    List<String> ids = uploadMany(client, UPLOADS);
    awaitAllDone(system, client, ids);

    Set<String> keys = new HashSet<>(ids);
    List<ConsumerRecord<byte[], byte[]>> records =
        Topic.read(
            Topics.UPLOADS,
            rs -> rs.stream().filter(r -> keys.contains(Topic.key(r))).count() >= 3L * UPLOADS,
            Duration.ofSeconds(60));
    List<ConsumerRecord<byte[], byte[]>> ours =
        records.stream().filter(r -> keys.contains(Topic.key(r))).toList();
    assertEquals(3 * UPLOADS, ours.size(), "received, thumbnailed and email.sent per upload");
    long duplicatesBefore = duplicates(system);
    try (KafkaProducer<byte[], byte[]> producer = Topic.producer()) {
      for (ConsumerRecord<byte[], byte[]> r : ours) {
        producer.send(new ProducerRecord<>(r.topic(), null, r.key(), r.value(), r.headers()));
      }
    }
    // thumbnails skips 500 received, emails 500 thumbnailed, stats all 1,500 again
    SystemHarness.await(
        "every republished event is recognised",
        Duration.ofSeconds(120),
        () -> duplicates(system) - duplicatesBefore >= 5L * UPLOADS);
    assertOnce(system, client, ids);
  }

  @Test
  @Order(2)
  void workerKilledBetweenEffectAndCommitAppliesNothingTwice() throws Exception {
    SystemHarness system = SystemHarness.get();
    Client client = system.newClient("crash@example.test");
    List<String> ids = uploadMany(client, UPLOADS);
    SystemHarness.await(
        "some uploads are ready",
        Duration.ofSeconds(120),
        () -> ready(system, client) >= UPLOADS / 5);
    system.killWorker();
    long readyAtKill = ready(system, client);
    system.startWorker();
    awaitAllDone(system, client, ids);
    System.out.printf(
        "worker killed with %d of %d uploads ready; after restart: %d mails received for %d uploads%n",
        readyAtKill, UPLOADS, client.mailsReceived(), UPLOADS);
    assertTrue(readyAtKill < UPLOADS, "the kill happened mid-stream");
    assertOnce(system, client, ids);
  }

  /**
   * Copies of one event that arrive together (the stats job applies a poll's records in one
   * statement) and a copy that arrives later are each counted once.
   */
  @Test
  @Order(3)
  void copiesInOneBatchAndALaterCopyAreCountedOnce() throws Exception {
    SystemHarness system = SystemHarness.get();
    Client client = system.newClient("copies@example.test");
    String upload = client.upload(Images.jpeg(64, 48));
    awaitAllDone(system, client, List.of(upload));
    UUID account =
        system.jdbi.withHandle(
            h ->
                h.createQuery("SELECT id FROM accounts WHERE email = ?")
                    .bind(0, client.email())
                    .mapTo(UUID.class)
                    .one());
    byte[] value =
        EventJson.write(new EmailSent(UUID.fromString(upload), account, client.email(), "<copy@x>"))
            .getBytes(StandardCharsets.UTF_8);
    RecordHeaders headers = new RecordHeaders();
    headers.add(EventHeaders.EVENT_ID, Topic.utf8(UUID.randomUUID().toString()));
    headers.add(EventHeaders.EVENT_TYPE, Topic.utf8(EmailSent.TYPE));
    headers.add(EventHeaders.EVENT_VERSION, Topic.utf8(Integer.toString(EmailSent.VERSION)));
    long statsDuplicates = system.meter("job.stats.skipped-duplicate");
    try (KafkaProducer<byte[], byte[]> producer = Topic.producer()) {
      // One key, one partition, one producer batch: the worker's poll takes the three together.
      for (int i = 0; i < 3; i++) {
        producer.send(
            new ProducerRecord<>(Topics.UPLOADS, null, Topic.utf8(upload), value, headers));
      }
    }
    SystemHarness.await(
        "stats recognises the two extra copies",
        Duration.ofSeconds(60),
        () -> meter(system, "job.stats.skipped-duplicate") - statsDuplicates >= 2);
    assertEquals(2, emailsCounted(client), "the mail counted by the upload, and the copied event");
    Topic.write(Topics.UPLOADS, upload, value, headers);
    SystemHarness.await(
        "stats recognises the later copy",
        Duration.ofSeconds(60),
        () -> meter(system, "job.stats.skipped-duplicate") - statsDuplicates >= 3);
    Thread.sleep(1_000); // anything extra would be counted now
    assertEquals(2, emailsCounted(client));
    JsonNode total = client.json("/v1/stats").get("total");
    assertEquals(1, total.get("uploads_received").asLong());
    assertEquals(2, total.get("thumbnails_made").asLong());
  }

  private static long emailsCounted(Client client) throws Exception {
    return client.json("/v1/stats").get("total").get("emails_sent").asLong();
  }

  private static long meter(SystemHarness system, String name) {
    try {
      return system.meter(name);
    } catch (Exception e) {
      return -1;
    }
  }

  private static void assertOnce(SystemHarness system, Client client, List<String> ids)
      throws Exception {
    Thread.sleep(2_000);
    assertEquals(
        2L * UPLOADS,
        system.count(
            "SELECT count(*) FROM thumbnails t JOIN uploads u ON u.id = t.upload_id "
                + "JOIN accounts a ON a.id = u.account_id WHERE a.email = ?",
            client.email()));
    assertEquals(
        UPLOADS,
        system.count(
            "SELECT count(*) FROM email_deliveries d JOIN accounts a ON a.id = d.account_id "
                + "WHERE a.email = ?",
            client.email()));
    Set<String> messageIds = new HashSet<>();
    for (var message : system.smtp.received()) {
      if (message.getAllRecipients()[0].toString().equals(client.email())) {
        messageIds.add(message.getMessageID());
      }
    }
    assertEquals(UPLOADS, messageIds.size(), "one distinct mail per upload");
    JsonNode total = client.json("/v1/stats").get("total");
    assertEquals(UPLOADS, total.get("uploads_received").asLong());
    assertEquals(2L * UPLOADS, total.get("thumbnails_made").asLong());
    assertEquals(UPLOADS, total.get("emails_sent").asLong());
    assertEquals(0, total.get("dead_letters").asLong());
    assertEquals(
        0,
        system.count(
            "SELECT count(*) FROM dead_letters WHERE event_key = ANY(?)",
            (Object) ids.toArray(new String[0])));
  }

  static List<String> uploadMany(Client client, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(pool.submit(() -> client.upload(Images.jpeg(64, 48))));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> f : futures) {
        ids.add(f.get());
      }
      return ids;
    } finally {
      pool.shutdown();
    }
  }

  private static void awaitAllDone(SystemHarness system, Client client, List<String> ids)
      throws Exception {
    SystemHarness.await(
        "all uploads are ready",
        Duration.ofSeconds(180),
        () -> ready(system, client) == ids.size());
    SystemHarness.await(
        "all emails are recorded",
        Duration.ofSeconds(180),
        () ->
            system.count(
                    "SELECT count(*) FROM email_deliveries d JOIN accounts a ON a.id = d.account_id WHERE a.email = ?",
                    client.email())
                == ids.size());
    SystemHarness.await(
        "the counters are complete",
        Duration.ofSeconds(180),
        () -> {
          try {
            return client.json("/v1/stats").get("total").get("emails_sent").asLong() >= ids.size();
          } catch (Exception e) {
            return false;
          }
        });
  }

  private static long ready(SystemHarness system, Client client) {
    return system.count(
        "SELECT count(*) FROM uploads u JOIN accounts a ON a.id = u.account_id "
            + "WHERE a.email = ? AND u.status = 'ready'",
        client.email());
  }

  private static long duplicates(SystemHarness system) {
    try {
      return system.meter("job.thumbnails.skipped-duplicate")
          + system.meter("job.emails.skipped-duplicate")
          + system.meter("job.stats.skipped-duplicate");
    } catch (Exception e) {
      return -1;
    }
  }
}
