package dev.uploads.bench.jobs;

import dev.uploads.bench.stack.KafkaTopics;
import dev.uploads.schema.Event;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.EventJson;
import dev.uploads.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The {@code uploads} topic as the job scenarios see it: records go in with a producer, and a job's
 * progress is read from outside the worker as its group's committed offsets ({@link KafkaTopics}).
 */
public final class UploadsTopic implements AutoCloseable {
  private final KafkaTopics kafka;
  private final KafkaProducer<byte[], byte[]> producer;

  public UploadsTopic(String bootstrap) {
    kafka = new KafkaTopics(bootstrap);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * An event as the relay would publish it (Kafka contract: key = aggregate id, headers event-id,
   * event-type, event-version, occurred-at; value = the schema's JSON), so the worker cannot tell
   * benchmark records from real ones and runs exactly its production path.
   */
  static ProducerRecord<byte[], byte[]> record(Event event) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(EventHeaders.EVENT_ID, utf8(UUID.randomUUID().toString()));
    headers.add(EventHeaders.EVENT_TYPE, utf8(event.type()));
    headers.add(EventHeaders.EVENT_VERSION, utf8(Integer.toString(event.version())));
    headers.add(EventHeaders.OCCURRED_AT, utf8(Instant.now().toString()));
    return new ProducerRecord<>(
        event.topic(), null, utf8(event.key()), utf8(EventJson.write(event)), headers);
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
    return kafka.endOffsets(Topics.UPLOADS);
  }

  long behind(String group, Map<TopicPartition, Long> ends) throws Exception {
    return kafka.behind(group, ends);
  }

  /** Skips what earlier phases left in the topic: this job's group starts at the current end. */
  void moveGroupToEnd(String group) throws Exception {
    kafka.skipToEnd(group, Topics.UPLOADS);
  }

  boolean awaitJoined(String group, Duration timeout) throws Exception {
    return kafka.awaitJoined(group, Topics.UPLOADS, timeout);
  }

  /** Polls the group's lag every 200 ms until it is zero or the timeout passes. */
  Progress awaitCaughtUp(
      String group, Map<TopicPartition, Long> ends, long events, long startNanos, Duration timeout)
      throws Exception {
    long deadline = startNanos + timeout.toNanos();
    while (true) {
      long behind = behind(group, ends);
      long now = System.nanoTime();
      if (behind == 0 || now > deadline) {
        return new Progress(behind == 0, events - behind, (now - startNanos) / 1e9);
      }
      Thread.sleep(50);
    }
  }

  /** done events in seconds; finished says whether all of them were. */
  record Progress(boolean finished, long done, double seconds) {
    double perSecond() {
      return done / seconds;
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
    kafka.close();
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
