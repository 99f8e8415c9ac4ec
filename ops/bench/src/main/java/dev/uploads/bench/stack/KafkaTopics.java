package dev.uploads.bench.stack;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Topic creation and record counting on the stack's broker. The stack does not hand out its
 * LocalKafka, so this uses an admin client with the same short timeouts LocalKafka uses.
 */
public final class KafkaTopics implements AutoCloseable {
  private final Admin admin;

  public KafkaTopics(String bootstrap) {
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
        .get(30, TimeUnit.SECONDS);
  }

  /**
   * Records on the topic: the sum of the partitions' end offsets (a fresh topic starts at 0 and
   * nothing is compacted or deleted within a run). Duplicates from producer retries would count.
   */
  public long endOffsetSum(String topic) throws Exception {
    return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
  }

  private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
    TopicDescription description =
        admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    Map<TopicPartition, OffsetSpec> latest =
        description.partitions().stream()
            .collect(
                Collectors.toMap(
                    p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /**
   * Records of the topic the consumer group has not committed yet; empty when the group does not
   * exist (a stack without that consumer).
   */
  java.util.OptionalLong lag(String group, String topic) throws Exception {
    boolean exists =
        admin
            .listGroups(ListGroupsOptions.forConsumerGroups())
            .all()
            .get(30, TimeUnit.SECONDS)
            .stream()
            .anyMatch(g -> g.groupId().equals(group));
    if (!exists) {
      return java.util.OptionalLong.empty();
    }
    Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> end : endOffsets(topic).entrySet()) {
      var done = committed.get(end.getKey());
      lag += end.getValue() - (done == null ? 0 : done.offset());
    }
    return java.util.OptionalLong.of(lag);
  }

  /**
   * Moves the consumer group's committed offsets on the topic to its end, so that the group skips
   * what is there. The group must have no members (its consumers stopped).
   */
  public void skipToEnd(String group, String topic) throws Exception {
    Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> end =
        endOffsets(topic).entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    e -> new org.apache.kafka.clients.consumer.OffsetAndMetadata(e.getValue())));
    admin.alterConsumerGroupOffsets(group, end).all().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(10));
  }
}
