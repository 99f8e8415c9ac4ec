package dev.uploads.bench.reference;

import dev.uploads.api.upload.UploadDao;
import dev.uploads.schema.EventJson;
import dev.uploads.schema.Outbox;
import dev.uploads.schema.UploadReceived;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pgbench script for the API's upload transaction, built from the API's own statements (the
 * {@code UploadDao.insert} annotation and {@code Outbox.INSERT}) so that it follows schema changes.
 * Each named parameter is replaced by an SQL expression producing a value like the API's; a
 * parameter without one stops the run instead of benchmarking a stale transaction. The events go to
 * a topic of their own: the relay publishes them like any event, but the worker, which reads {@code
 * uploads}, does not try to make thumbnails of uploads that have no bytes.
 */
final class UploadTransactionScript {
  /** Named parameters, not the second colon of a {@code ::type} cast. */
  private static final Pattern PARAMETER = Pattern.compile("(?<![:\\w]):([A-Za-z]\\w*)");

  private static final String RANDOM_HEX_64 = "md5(random()::text) || md5(random()::text)";

  private UploadTransactionScript() {}

  static String forAccount(UUID accountId, String topic) throws ReflectiveOperationException {
    String insertUpload = UploadDao.INSERT;
    // Time-ordered like the API's UUIDv7 (millisecond prefix, random rest), so the primary key
    // index sees the same append-mostly inserts.
    String uploadId =
        "(lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0')"
            + " || '7' || substr(md5(random()::text), 1, 19))::uuid";
    String upload =
        fill(
            insertUpload,
            Map.of(
                "id",
                uploadId,
                "accountId",
                "'" + accountId + "'::uuid",
                "filename",
                "'bench.jpg'",
                "contentType",
                "'image/jpeg'",
                "sizeBytes",
                ":size_param",
                "sha256",
                RANDOM_HEX_64,
                "blobKey",
                RANDOM_HEX_64));
    // The RETURNING row becomes pgbench variables (:id, :account_id, :created_at, ...), as the
    // API builds its event from the inserted row.
    String event =
        fill(
            Outbox.INSERT,
            Map.of(
                "topic", "'" + topic + "'",
                "key", "CAST(:id AS text)",
                "eventId", "gen_random_uuid()",
                "type", "'" + UploadReceived.TYPE + "'",
                "version", Integer.toString(UploadReceived.VERSION),
                "occurredAt", ":created_at",
                "traceparent",
                    "'00-' || md5(random()::text) || '-' || substr(md5(random()::text), 1, 16) || '-01'",
                "headers", "NULL",
                "payload", "convert_to(" + payloadExpression() + ", 'UTF8')"));
    return "\\set size_param random(1000, 4000)\n"
        + "BEGIN;\n"
        + upload.strip()
        + " \\gset\n"
        + event.strip()
        + ";\n"
        + "COMMIT;\n";
  }

  /**
   * The event's JSON exactly as the API writes it: a real payload with marker values, whose markers
   * become references to the inserted row.
   */
  static String payloadExpression() {
    UUID uploadMarker = new UUID(0x1111111111111111L, 0x1111111111111111L);
    UUID accountMarker = new UUID(0x2222222222222222L, 0x2222222222222222L);
    String json =
        EventJson.write(
            new UploadReceived(
                uploadMarker,
                accountMarker,
                "bench.jpg",
                "image/jpeg",
                987654321L,
                "SHAMARK",
                "BLOBMARK"));
    String literal = "'" + json.replace("'", "''") + "'";
    return literal
        .replace(uploadMarker.toString(), "' || CAST(:id AS text) || '")
        .replace(accountMarker.toString(), "' || CAST(:account_id AS text) || '")
        .replace("987654321", "' || CAST(:size_bytes AS text) || '")
        .replace("SHAMARK", "' || CAST(:sha256 AS text) || '")
        .replace("BLOBMARK", "' || CAST(:blob_key AS text) || '");
  }

  /** Each named parameter replaced by its SQL expression; one without is an error. */
  static String fill(String sql, Map<String, String> values) {
    Matcher m = PARAMETER.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException(
            "a statement has a parameter :"
                + m.group(1)
                + " the pgbench script does not fill: "
                + sql);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
