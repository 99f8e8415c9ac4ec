package dev.uploads.bench.jobs;

import dev.uploads.bench.stack.KafkaTopics;
import dev.uploads.schema.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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

  long committed(String group) throws Exception {
    return kafka.position(group, Topics.UPLOADS);
  }

  /** Skips what earlier phases left in the topic: this job's group starts at the current end. */
  void moveGroupToEnd(String group) throws Exception {
    kafka.skipToEnd(group, Topics.UPLOADS);
  }

  boolean awaitJoined(String group, Duration timeout) throws Exception {
    return kafka.awaitJoined(group, Topics.UPLOADS, timeout);
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
    kafka.close();
  }
}
