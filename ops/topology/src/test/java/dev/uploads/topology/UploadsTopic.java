package dev.uploads.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the {@code uploads} topic from the host, through the broker's published listener. */
public final class UploadsTopic {
  private UploadsTopic() {}

  /**
   * A consumer of every partition of {@code uploads}, positioned at the beginning, that commits
   * nothing and sees only committed records; the caller closes it.
   */
  public static KafkaConsumer<String, byte[]> fromBeginning(String bootstrap, int maxPollRecords) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor("uploads", Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  /**
   * How many {@code eventType} records each of {@code keys} has on the topic, read from the
   * beginning until every key was seen once or {@code timeout} passed (keys never seen are absent
   * from the map).
   */
  static Map<String, Integer> count(
      String bootstrap, String eventType, Set<String> keys, Duration timeout) {
    Map<String, Integer> seen = new HashMap<>();
    // 500: the consumer's default.
    try (KafkaConsumer<String, byte[]> consumer = fromBeginning(bootstrap, 500)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      // Past the last key, a few empty polls more, so that duplicates already there count too.
      int emptyPolls = 0;
      while (System.nanoTime() < deadline
          && !(seen.keySet().containsAll(keys) && emptyPolls >= 3)) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
        for (ConsumerRecord<String, byte[]> record : records) {
          Header type = record.headers().lastHeader("event-type");
          if (type != null
              && eventType.equals(new String(type.value(), StandardCharsets.UTF_8))
              && keys.contains(record.key())) {
            seen.merge(record.key(), 1, Integer::sum);
          }
        }
      }
    }
    return seen;
  }
}
