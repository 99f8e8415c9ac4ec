package dev.uploads.bench.jobs;

import dev.uploads.schema.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The {@code uploads} topic as the benchmark sees it: records go in with a producer, and a job's
 * progress is read from outside the worker, as its consumer group's committed offsets against the
 * topic's end. The worker commits only after a batch's effects are durable, so "committed = end"
 * means every event is applied.
 */
public final class UploadsTopic implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = 30;

  private final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;
  private final List<TopicPartition> partitions;

  public UploadsTopic(String bootstrap) throws Exception {
    admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                15_000));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    partitions =
        admin
            .describeTopics(List.of(Topics.UPLOADS))
            .allTopicNames()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .get(Topics.UPLOADS)
            .partitions()
            .stream()
            .map(info -> new TopicPartition(Topics.UPLOADS, info.partition()))
            .toList();
  }

  /** Sends and waits until the broker has every record; fails if any was refused. */
  void sendAll(List<ProducerRecord<byte[], byte[]>> records) {
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> first = new AtomicReference<>();
    for (ProducerRecord<byte[], byte[]> record : records) {
      producer.send(
          record,
          (meta, e) -> {
            if (e != null) {
              failed.incrementAndGet();
              first.compareAndSet(null, e);
            }
          });
    }
    producer.flush();
    if (failed.get() > 0) {
      throw new IllegalStateException(failed + " records not written", first.get());
    }
  }

  Map<TopicPartition, Long> endOffsets() throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /** Records of the topic the group has not committed yet (a partition never committed: all). */
  long behind(String group, Map<TopicPartition, Long> ends) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(group);
    long behind = 0;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      behind += Math.max(0, end.getValue() - (at == null ? 0 : at.offset()));
    }
    return behind;
  }

  /** The group's position in the topic, summed over partitions: a counter of records passed. */
  long committed(String group) throws Exception {
    return committedOffsets(group).entrySet().stream()
        .filter(e -> e.getKey().topic().equals(Topics.UPLOADS) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }

  private Map<TopicPartition, OffsetAndMetadata> committedOffsets(String group) throws Exception {
    return admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Skips what earlier phases left in the topic: this job's group starts at the current end. */
  void moveGroupToEnd(String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    endOffsets().forEach((tp, end) -> offsets.put(tp, new OffsetAndMetadata(end)));
    admin.alterConsumerGroupOffsets(group, offsets).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Waits until the group's members hold every partition, so a measurement excludes joining. */
  boolean awaitJoined(String group, Duration timeout) throws Exception {
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
              .filter(tp -> tp.topic().equals(Topics.UPLOADS))
              .count();
      if (assigned == partitions.size()) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  /**
   * Polls the group's lag every 200 ms until it is zero or the timeout passes. The steady rate runs
   * from the first commit seen (worker boot and group join are behind it) to the last sample, or to
   * 90% done when the run finishes, leaving out the tail of partitions that end at different times.
   */
  Progress awaitCaughtUp(
      String group, Map<TopicPartition, Long> ends, long events, long startNanos, Duration timeout)
      throws Exception {
    long deadline = startNanos + timeout.toNanos();
    long firstAt = -1;
    long firstDone = 0;
    long lastAt = -1;
    long lastDone = 0;
    while (true) {
      long behind = behind(group, ends);
      long now = System.nanoTime();
      long done = events - behind;
      if (firstAt < 0 && done > 0) {
        firstAt = now;
        firstDone = done;
      } else if (firstAt >= 0 && (lastAt < 0 || lastDone < events * 9 / 10)) {
        lastAt = now;
        lastDone = done;
      }
      if (behind == 0 || now > deadline) {
        double seconds = (now - startNanos) / 1e9;
        Double steady =
            lastAt > firstAt && firstAt >= 0 && lastAt - firstAt > 1_000_000_000L
                ? (lastDone - firstDone) / ((lastAt - firstAt) / 1e9)
                : null;
        return new Progress(behind == 0, done, seconds, steady);
      }
      Thread.sleep(200);
    }
  }

  /** done events in seconds; finished says whether all of them were. */
  record Progress(boolean finished, long done, double seconds, Double steadyPerSecond) {
    double perSecond() {
      return done / seconds;
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
    admin.close(Duration.ofSeconds(10));
  }
}
