package dev.uploads.topology.chaos;

import dev.uploads.topology.UploadsTopic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * The whole {@code uploads} topic as the host reads it through the broker's published listener: per
 * key, its records in topic order (one key lives in one partition, so offset order is the order
 * consumers see).
 */
final class TopicLog {
  /** One record: its event id and type. */
  record Event(String id, String type) {}

  private TopicLog() {}

  /** Reads every partition from the beginning to the end offsets of now (at most {@code limit}). */
  static Map<String, List<Event>> read(String bootstrap, Duration limit) {
    Map<String, List<Event>> byKey = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = UploadsTopic.fromBeginning(bootstrap, 2000)) {
      Map<TopicPartition, Long> ends =
          consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(30));
      long deadline = System.nanoTime() + limit.toNanos();
      while (!caughtUp(consumer, ends)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the uploads topic was not read to its end in " + limit);
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          byKey
              .computeIfAbsent(record.key(), k -> new ArrayList<>())
              .add(new Event(header(record, "event-id"), header(record, "event-type")));
        }
      }
    }
    return byKey;
  }

  private static boolean caughtUp(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey(), Duration.ofSeconds(10)) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
