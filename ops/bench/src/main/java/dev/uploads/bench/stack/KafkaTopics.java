package dev.uploads.bench.stack;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The benchmarks' view of a broker from outside the system: topics created, records counted by end
 * offsets, consumer groups' progress as their committed offsets (the worker commits only after a
 * batch's effects are durable, so "committed = end" means every event is applied), and a topic read
 * back whole. An admin client with short timeouts, as LocalKafka's.
 */
public final class KafkaTopics implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = 30;

  private final String bootstrap;
  private final Admin admin;

  public KafkaTopics(String bootstrap) {
    this.bootstrap = bootstrap;
    admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
  }

  public void create(String topic, int partitions) throws Exception {
    admin
        .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
        .all()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Records on the topic: the sum of the partitions' end offsets (a fresh topic starts at 0 and
   * nothing is compacted or deleted within a run). Duplicates from producer retries would count.
   */
  public long endOffsetSum(String topic) throws Exception {
    return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
  }

  public Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> latest =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .get(topic)
            .partitions()
            .stream()
            .collect(
                Collectors.toMap(
                    p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
    return admin
        .listOffsets(latest)
        .all()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .entrySet()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** Records up to {@code ends} the group has not committed yet (never committed: all). */
  public long behind(String group, Map<TopicPartition, Long> ends) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
    long behind = 0;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      behind += Math.max(0, end.getValue() - (at == null ? 0 : at.offset()));
    }
    return behind;
  }

  /** As {@link #behind}, to the topic's end; empty when the group does not exist. */
  public OptionalLong lag(String group, String topic) throws Exception {
    boolean exists =
        admin
            .listGroups(ListGroupsOptions.forConsumerGroups())
            .all()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .stream()
            .anyMatch(g -> g.groupId().equals(group));
    return exists ? OptionalLong.of(behind(group, endOffsets(topic))) : OptionalLong.empty();
  }

  /** Moves the group to the topic's end, so it skips what is there; it must have no members. */
  public void skipToEnd(String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> end =
        endOffsets(topic).entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
    admin.alterConsumerGroupOffsets(group, end).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Waits until the group's members hold every partition, so a measurement excludes joining. */
  public boolean awaitJoined(String group, String topic, Duration timeout) throws Exception {
    int partitions = endOffsets(topic).size();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long assigned =
          admin
              .describeConsumerGroups(List.of(group))
              .all()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .get(group)
              .members()
              .stream()
              .flatMap(m -> m.assignment().topicPartitions().stream())
              .filter(tp -> tp.topic().equals(topic))
              .count();
      if (assigned == partitions) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  /** Reads the first {@code count} records of the topic, or as many as arrive within the bound. */
  public long readAll(
      String topic, long count, Duration bound, Consumer<ConsumerRecord<byte[], byte[]>> action)
      throws Exception {
    List<TopicPartition> partitions = List.copyOf(endOffsets(topic).keySet());
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

  private Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
    return admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(10));
  }
}
