package dev.uploads.ops.deadletters;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.schema.LetterStatus;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/** The reading side: list, the "what broke" summary, and one letter in full. Changes nothing. */
public final class Letters {
  static final ObjectMapper JSON = Json.MAPPER;
  public static final int MAX_PAGE = 1_000;

  /** Each status's label under its own name, for queries that count letters per status. */
  private static final Map<String, Object> STATUS_LABELS =
      java.util.Arrays.stream(LetterStatus.values())
          .collect(java.util.stream.Collectors.toMap(LetterStatus::label, LetterStatus::label));

  private final Jdbi jdbi;

  public Letters(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** One line of a listing. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Letter(
      @JsonProperty("id") long id,
      @JsonProperty("job") String job,
      @JsonProperty("status") String status,
      @JsonProperty("event_type") String eventType,
      @JsonProperty("event_key") String eventKey,
      @JsonProperty("event_id") UUID eventId,
      @JsonProperty("exception_class") String exceptionClass,
      @JsonProperty("message") String message,
      @JsonProperty("fingerprint") String fingerprint,
      @JsonProperty("attempt_count") int attemptCount,
      @JsonProperty("replay_count") int replayCount,
      @JsonProperty("first_failed_at") Instant firstFailedAt,
      @JsonProperty("last_failed_at") Instant lastFailedAt) {}

  /** A page of letters, newest first; {@code next_before} fetches the next page. */
  public record Page(
      @JsonProperty("letters") List<Letter> letters,
      @JsonProperty("next_before") Long nextBefore) {}

  public Page list(LetterFilter filter, int limit, Long before) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw OperatorError.badInput("--limit must be between 1 and " + MAX_PAGE + ", not " + limit);
    }
    String sql =
        "SELECT d.id, d.job, d.status, d.event_type, d.event_key, d.event_id, d.exception_class,"
            + " d.message, d.fingerprint, d.attempt_count, d.replay_count, d.first_failed_at,"
            + " d.last_failed_at FROM dead_letters d"
            + LetterFilter.CONDITION
            + (before == null ? "" : " AND d.id < :before")
            + " ORDER BY d.id DESC LIMIT :limit";
    List<Letter> letters =
        jdbi.withHandle(
            h -> {
              var query = filter.bind(h.createQuery(sql)).bind("limit", limit + 1);
              if (before != null) {
                query.bind("before", before);
              }
              return query.map((rs, ctx) -> letter(rs)).list();
            });
    if (letters.size() > limit) {
      letters = letters.subList(0, limit);
      return new Page(List.copyOf(letters), letters.get(limit - 1).id());
    }
    return new Page(letters, null);
  }

  /** One group of the summary: the letters of one job that share an error fingerprint. */
  public record Group(
      @JsonProperty("job") String job,
      @JsonProperty("fingerprint") String fingerprint,
      @JsonProperty("exception_class") String exceptionClass,
      @JsonProperty("sample_message") String sampleMessage,
      @JsonProperty("letters") long letters,
      @JsonProperty("open") long open,
      @JsonProperty("replaying") long replaying,
      @JsonProperty("parked") long parked,
      @JsonProperty("resolved") long resolved,
      @JsonProperty("discarded") long discarded,
      @JsonProperty("first_seen") Instant firstSeen,
      @JsonProperty("last_seen") Instant lastSeen) {}

  /** "What broke": letters grouped by job and fingerprint, the most numerous first. */
  public List<Group> summary(LetterFilter filter) {
    String sql =
        "SELECT d.job, d.fingerprint, min(d.exception_class) AS exception_class,"
            + " (array_agg(d.message ORDER BY d.id DESC))[1] AS sample_message,"
            + " count(*) AS letters,"
            + " count(*) FILTER (WHERE d.status = :open) AS open,"
            + " count(*) FILTER (WHERE d.status = :replaying) AS replaying,"
            + " count(*) FILTER (WHERE d.status = :parked) AS parked,"
            + " count(*) FILTER (WHERE d.status = :resolved) AS resolved,"
            + " count(*) FILTER (WHERE d.status = :discarded) AS discarded,"
            + " min(d.first_failed_at) AS first_seen, max(d.last_failed_at) AS last_seen"
            + " FROM dead_letters d"
            + LetterFilter.CONDITION
            + " GROUP BY d.job, d.fingerprint ORDER BY letters DESC, last_seen DESC";
    return jdbi.withHandle(
        h ->
            filter
                .bind(h.createQuery(sql))
                .bindMap(STATUS_LABELS)
                .map(
                    (rs, ctx) ->
                        new Group(
                            rs.getString("job"),
                            rs.getString("fingerprint"),
                            rs.getString("exception_class"),
                            firstLine(rs.getString("sample_message")),
                            rs.getLong("letters"),
                            rs.getLong("open"),
                            rs.getLong("replaying"),
                            rs.getLong("parked"),
                            rs.getLong("resolved"),
                            rs.getLong("discarded"),
                            instant(rs, "first_seen"),
                            instant(rs, "last_seen")))
                .list());
  }

  /** New letters of one group per hour over the last day, oldest hour first. */
  public record Trend(
      @JsonProperty("job") String job,
      @JsonProperty("fingerprint") String fingerprint,
      @JsonProperty("hourly") long[] hourly) {}

  public static final int TREND_HOURS = 24;

  /** Per group of the summary, how many letters arrived in each of the last 24 hours. */
  public List<Trend> trends(LetterFilter filter) {
    String sql =
        "SELECT d.job, d.fingerprint,"
            + " floor(extract(epoch FROM now() - d.created_at) / 3600)::int AS hours_ago,"
            + " count(*) AS n FROM dead_letters d"
            + LetterFilter.CONDITION
            + " AND d.created_at > now() - make_interval(hours => :hours)"
            + " GROUP BY 1, 2, 3";
    Map<List<String>, long[]> trends = new java.util.LinkedHashMap<>();
    jdbi.useHandle(
        h ->
            filter
                .bind(h.createQuery(sql))
                .bind("hours", TREND_HOURS)
                .map(
                    (rs, ctx) -> {
                      long[] hourly =
                          trends.computeIfAbsent(
                              List.of(rs.getString("job"), rs.getString("fingerprint")),
                              k -> new long[TREND_HOURS]);
                      int ago = Math.min(Math.max(rs.getInt("hours_ago"), 0), TREND_HOURS - 1);
                      hourly[TREND_HOURS - 1 - ago] += rs.getLong("n");
                      return ago;
                    })
                .list());
    return trends.entrySet().stream()
        .map(e -> new Trend(e.getKey().get(0), e.getKey().get(1), e.getValue()))
        .toList();
  }

  /** Everything about one letter, including what operators have done with it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Detail(
      @JsonProperty("letter") Letter letter,
      @JsonProperty("source") Map<String, Object> source,
      @JsonProperty("headers") JsonNode headers,
      @JsonProperty("payload") JsonNode payload,
      @JsonProperty("payload_text") String payloadText,
      @JsonProperty("payload_base64") String payloadBase64,
      @JsonProperty("stack_trace") String stackTrace,
      @JsonProperty("attempts") JsonNode attempts,
      @JsonProperty("closed_at") Instant closedAt,
      @JsonProperty("actions") List<LetterAction> actions) {}

  /** An operator action that took this letter, and what became of the letter in it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LetterAction(
      @JsonProperty("action") long action,
      @JsonProperty("kind") String kind,
      @JsonProperty("operator") String operator,
      @JsonProperty("reason") String reason,
      @JsonProperty("created_at") Instant createdAt,
      @JsonProperty("generation") Integer generation,
      @JsonProperty("outcome") String outcome,
      @JsonProperty("note") String note,
      @JsonProperty("done_at") Instant doneAt) {}

  public Detail show(long id) {
    return jdbi.withHandle(
        h -> {
          var row =
              h.createQuery(
                      "SELECT d.*, d.headers::text AS headers_text,"
                          + " d.attempts::text AS attempts_text FROM dead_letters d WHERE id = :id")
                  .bind("id", id)
                  .map(
                      (rs, ctx) -> {
                        byte[] payload = rs.getBytes("payload");
                        JsonNode json = null;
                        String text = null;
                        String base64 = null;
                        if (payload != null) {
                          String decoded = utf8(payload);
                          if (decoded == null) {
                            base64 = Base64.getEncoder().encodeToString(payload);
                          } else {
                            try {
                              json = JSON.readTree(decoded);
                            } catch (Exception e) {
                              text = decoded;
                            }
                          }
                        }
                        Map<String, Object> source = new java.util.LinkedHashMap<>();
                        source.put("topic", rs.getString("source_topic"));
                        source.put("partition", rs.getInt("source_partition"));
                        source.put("offset", rs.getLong("source_offset"));
                        source.put("timestamp", instant(rs, "source_timestamp"));
                        source.put("consumer_group", rs.getString("consumer_group"));
                        try {
                          return new Detail(
                              letter(rs),
                              source,
                              JSON.readTree(rs.getString("headers_text")),
                              json,
                              text,
                              base64,
                              rs.getString("stack_trace"),
                              JSON.readTree(rs.getString("attempts_text")),
                              instant(rs, "closed_at"),
                              List.of());
                        } catch (Exception e) {
                          throw new IllegalStateException("letter " + id + " is unreadable", e);
                        }
                      })
                  .findOne()
                  .orElseThrow(() -> OperatorError.notFound("no dead letter has id " + id));
          List<LetterAction> actions =
              h.createQuery(
                      "SELECT a.id AS action, a.kind, a.operator, a.reason, a.created_at,"
                          + " i.generation, i.outcome, i.note, i.done_at"
                          + " FROM dead_letter_action_items i JOIN dead_letter_actions a"
                          + " ON a.id = i.action_id WHERE i.letter_id = :id ORDER BY a.id")
                  .bind("id", id)
                  .registerRowMapper(ConstructorMapper.factory(LetterAction.class))
                  .mapTo(LetterAction.class)
                  .list();
          return new Detail(
              row.letter(),
              row.source(),
              row.headers(),
              row.payload(),
              row.payloadText(),
              row.payloadBase64(),
              row.stackTrace(),
              row.attempts(),
              row.closedAt(),
              actions);
        });
  }

  static Letter letter(ResultSet rs) throws SQLException {
    return new Letter(
        rs.getLong("id"),
        rs.getString("job"),
        rs.getString("status"),
        rs.getString("event_type"),
        rs.getString("event_key"),
        rs.getObject("event_id", UUID.class),
        rs.getString("exception_class"),
        firstLine(rs.getString("message")),
        rs.getString("fingerprint"),
        rs.getInt("attempt_count"),
        rs.getInt("replay_count"),
        instant(rs, "first_failed_at"),
        instant(rs, "last_failed_at"));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    var value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  static String firstLine(String message) {
    if (message == null) {
      return null;
    }
    String line = message.lines().findFirst().orElse("");
    return line.length() <= 300 ? line : line.substring(0, 300) + "…";
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static Map<String, String> headers(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (Exception e) {
      return Map.of();
    }
  }
}
