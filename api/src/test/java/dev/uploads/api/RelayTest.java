package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.infra.SharedInfra;
import dev.uploads.schema.EventEnvelope;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.Outbox;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** Two relay processes drain one outbox: nothing lost, per-key order kept, also across a kill. */
class RelayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EVENTS = 10_000;
  private static final int KEYS = 100;

  @Test
  void twoRelaysDeliverEveryEventInKeyOrder() throws Exception {
    Outcome outcome = run(false);
    System.out.printf(
        "two relays: %d events, %d records, %d duplicates%n",
        EVENTS, outcome.records, outcome.records - EVENTS);
  }

  @Test
  void relayKilledMidStreamLosesNothing() throws Exception {
    Outcome outcome = run(true);
    System.out.printf(
        "one relay killed: %d events, %d records, %d duplicates%n",
        EVENTS, outcome.records, outcome.records - EVENTS);
  }

  private record Outcome(int records) {}

  private Outcome run(boolean killOne) throws Exception {
    String jdbcUrl = SharedInfra.get().newDatabase();
    Path config = TestApi.configure(jdbcUrl, true, "1MiB");
    Jdbi jdbi = TestApi.jdbi(jdbcUrl);
    String topic = "relay-test-" + UUID.randomUUID();
    TopicReader.createTopic(topic, 6);
    try (RelayProcess first = new RelayProcess(config, config.resolveSibling("relay-1.log"));
        RelayProcess second = new RelayProcess(config, config.resolveSibling("relay-2.log"));
        TopicReader reader = new TopicReader(topic)) {
      awaitOwners(jdbi, 2);
      for (int batch = 0; batch < EVENTS / KEYS; batch++) {
        int seq = batch;
        jdbi.useTransaction(
            h -> {
              for (int k = 0; k < KEYS; k++) {
                Outbox.append(
                    h,
                    new EventEnvelope(
                        UUID.randomUUID(),
                        topic,
                        "test.sequenced",
                        1,
                        "key-" + k,
                        Instant.now(),
                        null,
                        "{\"seq\":" + seq + "}"));
              }
            });
      }
      if (killOne) {
        reader.readUntil(rs -> rs.size() >= EVENTS / 3, Duration.ofSeconds(60));
        assertTrue(reader.records.size() < EVENTS, "the kill must happen mid-stream");
        first.kill();
      }
      List<ConsumerRecord<byte[], byte[]>> records =
          reader.readUntil(rs -> distinctIds(rs) >= EVENTS, Duration.ofSeconds(120));
      assertEquals(EVENTS, distinctIds(records), "every event arrives");
      assertKeyOrder(records);
      return new Outcome(records.size());
    }
  }

  /** Per key, first arrivals come in commit order; a repeat is a duplicate of an earlier one. */
  private static void assertKeyOrder(List<ConsumerRecord<byte[], byte[]>> records)
      throws Exception {
    Map<String, Integer> next = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String id = TopicReader.header(record, EventHeaders.EVENT_ID);
      JsonNode payload = JSON.readTree(record.value());
      int seq = payload.get("seq").asInt();
      String key = TopicReader.key(record);
      if (seen.add(id)) {
        assertEquals(next.getOrDefault(key, 0), seq, "order of " + key);
        next.put(key, seq + 1);
      } else {
        assertTrue(seq < next.get(key), "a duplicate repeats an earlier event of " + key);
      }
    }
    assertEquals(KEYS, next.size());
    next.values().forEach(n -> assertEquals(EVENTS / KEYS, n));
  }

  private static long distinctIds(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream()
        .map(r -> TopicReader.header(r, EventHeaders.EVENT_ID))
        .distinct()
        .count();
  }

  private static void awaitOwners(Jdbi jdbi, int owners) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<String> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      seen =
          jdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT DISTINCT owner FROM relay_shards WHERE owner IS NOT NULL AND lease_until > now()")
                      .mapTo(String.class)
                      .list());
      if (seen.size() == owners) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("relays did not share the shards: " + seen);
  }
}
