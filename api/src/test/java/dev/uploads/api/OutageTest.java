package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.infra.SharedInfra;
import dev.uploads.schema.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dependencies going away and coming back, under client traffic. */
class OutageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestApi api;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    api = TestApi.start(true);
    key = api.newApiKey();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void uploadsAreAcceptedWhileKafkaIsDownAndAllArriveAfterwards() throws Exception {
    Set<String> ids = new HashSet<>();
    postFor(Duration.ofSeconds(2), ids);
    SharedInfra.get().kafka().stop();
    try {
      postFor(Duration.ofSeconds(8), ids);
    } finally {
      SharedInfra.get().kafka().restart();
    }
    postFor(Duration.ofSeconds(2), ids);
    try (TopicReader reader = new TopicReader(Topics.UPLOADS)) {
      var records = reader.readUntil(rs -> keys(rs).containsAll(ids), Duration.ofSeconds(90));
      Set<String> missing = new HashSet<>(ids);
      missing.removeAll(keys(records));
      assertEquals(Set.of(), missing, "every accepted upload's event reached Kafka");
    }
    System.out.printf("kafka outage: %d uploads accepted, all delivered%n", ids.size());
  }

  @Test
  void databaseDownMeans503WithRetryAfterAndRecovery() throws Exception {
    assertEquals(202, api.postImage(key, Images.jpeg()).statusCode());
    SharedInfra.get().postgres().stop();
    try {
      HttpResponse<String> refused = api.postImage(key, Images.jpeg());
      UploadApiTest.assertProblem(refused, 503);
      assertEquals("5", refused.headers().firstValue("Retry-After").orElseThrow());
      UploadApiTest.assertProblem(api.get("/v1/uploads", key), 503);
    } finally {
      SharedInfra.get().postgres().restart();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int status = 0;
    while (status != 202 && System.nanoTime() < deadline) {
      status = api.postImage(key, Images.jpeg()).statusCode();
      if (status != 202) {
        Thread.sleep(500);
      }
    }
    assertEquals(202, status, "the API recovers by itself");
  }

  private static void postFor(Duration duration, Set<String> ids) throws Exception {
    long deadline = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = api.postImage(key, Images.jpeg());
      assertEquals(202, response.statusCode(), response.body());
      assertTrue(ids.add(JSON.readTree(response.body()).get("id").asText()));
      Thread.sleep(20);
    }
  }

  private static Set<String> keys(
      java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records) {
    Set<String> keys = new HashSet<>();
    records.forEach(r -> keys.add(TopicReader.key(r)));
    return keys;
  }
}
