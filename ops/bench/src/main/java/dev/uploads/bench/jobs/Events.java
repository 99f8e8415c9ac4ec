package dev.uploads.bench.jobs;

import dev.uploads.schema.Event;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Events as the relay would publish them (Kafka contract: key = aggregate id, headers event-id,
 * event-type, event-version, occurred-at; value = the schema's JSON), so the worker cannot tell
 * benchmark records from real ones and runs exactly its production path.
 */
final class Events {
  private Events() {}

  static ProducerRecord<byte[], byte[]> record(Event event) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(EventHeaders.EVENT_ID, utf8(UUID.randomUUID().toString()));
    headers.add(EventHeaders.EVENT_TYPE, utf8(event.type()));
    headers.add(EventHeaders.EVENT_VERSION, utf8(Integer.toString(event.version())));
    headers.add(EventHeaders.OCCURRED_AT, utf8(Instant.now().toString()));
    return new ProducerRecord<>(
        event.topic(), null, utf8(event.key()), utf8(EventJson.write(event)), headers);
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
