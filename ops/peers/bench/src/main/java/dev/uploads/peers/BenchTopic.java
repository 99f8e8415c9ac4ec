package dev.uploads.peers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The run's topic: created fresh, counted by end offsets, and read back whole to check it. */
final class BenchTopic implements AutoCloseable {
  static final int PARTITIONS = 6;

  final String name;
  private final String bootstrap;
  private final Admin admin;
  private final List<TopicPartition> partitions = new ArrayList<>();

  BenchTopic(String bootstrap, String name) throws Exception {
    this.name = name;
    this.bootstrap = bootstrap;
    admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
    admin
        .createTopics(List.of(new NewTopic(name, PARTITIONS, (short) 1)))
        .all()
        .get(30, TimeUnit.SECONDS);
    for (int p = 0; p < PARTITIONS; p++) {
      partitions.add(new TopicPartition(name, p));
    }
  }

  /**
   * Records acknowledged on the topic: the sum of the end offsets of a fresh topic (with acks=all
   * on one broker, the high watermark). Duplicates from producer retries would count.
   */
  long records() throws Exception {
    Map<TopicPartition, OffsetSpec> latest =
        partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
        .mapToLong(o -> o.offset())
        .sum();
  }

  /** Reads the first {@code count} records of the topic, or as many as arrive within the bound. */
  long readAll(long count, Duration bound, Consumer<ConsumerRecord<byte[], byte[]>> action) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5_000,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    long read = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + bound.toNanos();
      while (read < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          action.accept(record);
          read++;
        }
      }
    }
    return read;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(10));
  }
}
