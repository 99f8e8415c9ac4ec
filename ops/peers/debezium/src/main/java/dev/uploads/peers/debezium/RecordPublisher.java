package dev.uploads.peers.debezium;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The engine's change consumer: sends a batch of routed records without waiting in between, waits
 * for every acknowledgement, and only then marks the batch processed, so Debezium commits the
 * offsets (and confirms the slot's LSN) of acknowledged records only. At least once, as the relay.
 * A refused send fails the engine.
 */
final class RecordPublisher
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
  private final Producer<byte[], byte[]> producer;

  RecordPublisher(Producer<byte[], byte[]> producer) {
    this.producer = producer;
  }

  /**
   * The settings of the API's RelayProducer (api/.../relay/RelayProducer.java), repeated here
   * because this JVM must not load the api module and its Kafka clients.
   */
  static Producer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "debezium-peer");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Override
  public void handleBatch(
      List<RecordChangeEvent<SourceRecord>> events,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
    for (RecordChangeEvent<SourceRecord> event : events) {
      acks.add(producer.send(toKafka(event.record())));
    }
    for (Future<RecordMetadata> ack : acks) {
      try {
        ack.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("Kafka did not acknowledge a routed record", e.getCause());
      }
    }
    for (RecordChangeEvent<SourceRecord> event : events) {
      committer.markProcessed(event);
    }
    committer.markBatchFinished();
  }

  /**
   * The router leaves the event key (a string), the payload (bytes) and the envelope as Connect
   * headers; Kafka gets them as bytes, headers as UTF-8 text like the relay's. No partition: the
   * producer picks it from the key, as for the relay.
   */
  static ProducerRecord<byte[], byte[]> toKafka(SourceRecord routed) {
    RecordHeaders headers = new RecordHeaders();
    for (Header header : routed.headers()) {
      headers.add(header.key(), bytes(header.value()));
    }
    return new ProducerRecord<>(
        routed.topic(),
        null,
        routed.timestamp(),
        bytes(routed.key()),
        bytes(routed.value()),
        headers);
  }

  private static byte[] bytes(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof byte[] raw) {
      return raw;
    }
    if (value instanceof ByteBuffer buffer) {
      byte[] raw = new byte[buffer.remaining()];
      buffer.duplicate().get(raw);
      return raw;
    }
    return value.toString().getBytes(StandardCharsets.UTF_8);
  }
}
