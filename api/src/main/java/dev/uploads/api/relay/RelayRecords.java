package dev.uploads.api.relay;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.api.outbox.OutboxRow;
import dev.uploads.schema.EventHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** An outbox row as a Kafka record of the contract: key, JSON value, envelope as headers. */
final class RelayRecords {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> HEADER_MAP = new TypeReference<>() {};

  private RelayRecords() {}

  /**
   * The record of {@code row}, whose {@code traceparent} header is the relay's span of it (a child
   * of the row's own), so that its consumers continue the trace from the publish.
   */
  static ProducerRecord<byte[], byte[]> toRecord(OutboxRow row, String traceparent) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(EventHeaders.EVENT_ID, utf8(row.eventId().toString()));
    headers.add(EventHeaders.EVENT_TYPE, utf8(row.eventType()));
    headers.add(EventHeaders.EVENT_VERSION, utf8(Integer.toString(row.eventVersion())));
    headers.add(EventHeaders.OCCURRED_AT, utf8(row.occurredAt().toString()));
    headers.add(EventHeaders.TRACEPARENT, utf8(traceparent));
    if (row.headers() != null) {
      extraHeaders(row.headers()).forEach((name, value) -> headers.add(name, utf8(value)));
    }
    return new ProducerRecord<>(row.topic(), null, utf8(row.eventKey()), row.payload(), headers);
  }

  private static Map<String, String> extraHeaders(String json) {
    try {
      return JSON.readValue(json, HEADER_MAP);
    } catch (IOException e) {
      throw new UncheckedIOException("outbox headers are not a JSON object of strings", e);
    }
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
