package dev.uploads.bench.peer;

import dev.uploads.bench.peer.OutboxBacklog.Row;
import dev.uploads.bench.stack.KafkaTopics;
import dev.uploads.schema.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Every record on the topic against the outbox row named by its event-id header: the key, the value
 * byte for byte, and the contract's headers (occurred-at compared as an instant: Debezium writes
 * its own ISO-8601 form). Each row must be found exactly once.
 */
final class Delivery {
  private static final int PROBLEMS_KEPT = 10;

  record Check(long records, long matched, long problemCount, long missing, List<String> problems) {
    boolean complete(long expected) {
      return records == expected && matched == expected && problemCount == 0 && missing == 0;
    }
  }

  private Delivery() {}

  /** Takes the rows it finds out of {@code rows}; what is left was never delivered. */
  static Check check(
      KafkaTopics kafka, String topic, Map<UUID, Row> rows, long expected, Duration bound)
      throws Exception {
    List<String> problems = new ArrayList<>();
    long[] counts = new long[2];
    long records =
        kafka.readAll(
            topic,
            expected,
            bound,
            record -> {
              String problem = compare(record, rows);
              if (problem == null) {
                counts[0]++;
              } else {
                counts[1]++;
                if (problems.size() < PROBLEMS_KEPT) {
                  problems.add(problem);
                }
              }
            });
    return new Check(records, counts[0], counts[1], rows.size(), problems);
  }

  private static String compare(ConsumerRecord<byte[], byte[]> record, Map<UUID, Row> rows) {
    String where = record.partition() + "@" + record.offset();
    String eventId = header(record, EventHeaders.EVENT_ID);
    Row row = eventId == null ? null : rows.remove(UUID.fromString(eventId));
    if (row == null) {
      return where + ": event-id " + eventId + " is not an outbox row, or came twice";
    }
    String occurredAt = header(record, EventHeaders.OCCURRED_AT);
    Map<String, Boolean> same = new LinkedHashMap<>();
    same.put("topic", row.topic().equals(record.topic()));
    same.put("key", Arrays.equals(row.key().getBytes(StandardCharsets.UTF_8), record.key()));
    same.put("value", Arrays.equals(row.payload(), record.value()));
    same.put(EventHeaders.EVENT_TYPE, row.type().equals(header(record, EventHeaders.EVENT_TYPE)));
    same.put(
        EventHeaders.EVENT_VERSION,
        Integer.toString(row.version()).equals(header(record, EventHeaders.EVENT_VERSION)));
    same.put(
        EventHeaders.TRACEPARENT,
        Objects.equals(row.traceparent(), header(record, EventHeaders.TRACEPARENT)));
    same.put(
        EventHeaders.OCCURRED_AT + " (" + occurredAt + ")",
        occurredAt != null
            && row.occurredAt().equals(OffsetDateTime.parse(occurredAt).toInstant()));
    List<String> differences =
        same.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    return differences.isEmpty() ? null : where + " (" + eventId + "): " + differences;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
