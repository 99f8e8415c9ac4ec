package dev.uploads.ops.deadletters;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uploads.schema.LetterStatus;
import dev.uploads.schema.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which dead letters an operator means. Every field is optional and they combine with AND; a filter
 * is validated when it is built, so a typo is an error rather than an empty (or a full) selection.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LetterFilter(
    @JsonProperty("ids") List<Long> ids,
    @JsonProperty("job") String job,
    @JsonProperty("statuses") List<String> statuses,
    @JsonProperty("fingerprint") String fingerprint,
    @JsonProperty("exception") String exceptionClass,
    @JsonProperty("key") String key,
    @JsonProperty("type") String eventType,
    @JsonProperty("since") Instant since,
    @JsonProperty("until") Instant until) {

  private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhd])");

  public LetterFilter {
    ids = ids == null ? List.of() : List.copyOf(ids);
    statuses = statuses == null ? List.of() : List.copyOf(statuses);
    job = blankToNull(job);
    fingerprint = blankToNull(fingerprint);
    exceptionClass = blankToNull(exceptionClass);
    key = blankToNull(key);
    eventType = blankToNull(eventType);
    if (job != null && !Topics.JOBS.contains(job)) {
      throw OperatorError.badInput(
          "unknown job '" + job + "': jobs are " + String.join(", ", Topics.JOBS));
    }
    for (String status : statuses) {
      try {
        LetterStatus.parse(status);
      } catch (IllegalArgumentException e) {
        throw OperatorError.badInput(
            "unknown status '"
                + status
                + "': statuses are "
                + LetterStatus.labels(List.of(LetterStatus.values())));
      }
    }
    for (Long id : ids) {
      if (id == null || id <= 0) {
        throw OperatorError.badInput("letter ids are positive whole numbers, not " + id);
      }
    }
    if (since != null && until != null && !since.isBefore(until)) {
      throw OperatorError.badInput("--since " + since + " is not before --until " + until);
    }
  }

  public static LetterFilter all() {
    return new LetterFilter(null, null, null, null, null, null, null, null, null);
  }

  /** True when nothing narrows the selection. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isEmpty() {
    return ids.isEmpty()
        && job == null
        && statuses.isEmpty()
        && fingerprint == null
        && exceptionClass == null
        && key == null
        && eventType == null
        && since == null
        && until == null;
  }

  public LetterFilter withIds(List<Long> newIds) {
    return new LetterFilter(
        newIds, job, statuses, fingerprint, exceptionClass, key, eventType, since, until);
  }

  /**
   * Builds a filter from text, as the CLI and the query string give it. Statuses may be repeated or
   * comma-separated; times are ISO-8601 instants or an age such as {@code 90m}, {@code 2h}, {@code
   * 7d} (that long ago).
   */
  public static LetterFilter parse(
      List<String> ids,
      String job,
      List<String> statuses,
      String fingerprint,
      String exceptionClass,
      String key,
      String eventType,
      String since,
      String until) {
    List<Long> parsedIds = new ArrayList<>();
    for (String id : ids == null ? List.<String>of() : ids) {
      for (String part : id.split(",")) {
        if (part.isBlank()) {
          continue;
        }
        try {
          parsedIds.add(Long.parseLong(part.trim()));
        } catch (NumberFormatException e) {
          throw OperatorError.badInput("'" + part.trim() + "' is not a letter id (a number)");
        }
      }
    }
    List<String> parsedStatuses = new ArrayList<>();
    for (String status : statuses == null ? List.<String>of() : statuses) {
      for (String part : status.split(",")) {
        if (!part.isBlank()) {
          parsedStatuses.add(part.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    return new LetterFilter(
        parsedIds,
        job,
        parsedStatuses,
        fingerprint,
        exceptionClass,
        key,
        eventType,
        time("since", since),
        time("until", until));
  }

  /** An age such as {@code 45s}, {@code 90m}, {@code 2h} or {@code 7d}; null if it is not one. */
  public static Duration age(String value) {
    Matcher ago = AGO.matcher(value == null ? "" : value.trim());
    if (!ago.matches()) {
      return null;
    }
    long amount = Long.parseLong(ago.group(1));
    return switch (ago.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  static Instant time(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Duration ago = age(value);
    if (ago != null) {
      return Instant.now().minus(ago);
    }
    try {
      return Instant.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw OperatorError.badInput(
          "--"
              + name
              + " '"
              + value
              + "' is neither an ISO-8601 instant (2026-11-23T08:00:00Z) nor an age (45m, 2h, 7d)");
    }
  }

  /** The SQL condition (starting with WHERE) and its parameters, for table alias {@code d}. */
  Where where() {
    StringBuilder sql = new StringBuilder(" WHERE true");
    Map<String, Object> binds = new LinkedHashMap<>();
    if (!ids.isEmpty()) {
      sql.append(" AND d.id = ANY(:ids)");
      binds.put("ids", ids.toArray(new Long[0]));
    }
    if (job != null) {
      sql.append(" AND d.job = :job");
      binds.put("job", job);
    }
    if (!statuses.isEmpty()) {
      sql.append(" AND d.status = ANY(:statuses)");
      binds.put("statuses", statuses.toArray(new String[0]));
    }
    if (fingerprint != null) {
      sql.append(" AND d.fingerprint = :fingerprint");
      binds.put("fingerprint", fingerprint);
    }
    if (exceptionClass != null) {
      // A simple name matches too: "PermanentFailure" finds dev.uploads....PermanentFailure.
      sql.append(" AND (d.exception_class = :exception OR d.exception_class LIKE :exceptionTail)");
      binds.put("exception", exceptionClass);
      binds.put("exceptionTail", "%." + exceptionClass.replace("%", "\\%").replace("_", "\\_"));
    }
    if (key != null) {
      sql.append(" AND d.event_key = :key");
      binds.put("key", key);
    }
    if (eventType != null) {
      sql.append(" AND d.event_type = :type");
      binds.put("type", eventType);
    }
    if (since != null) {
      sql.append(" AND d.last_failed_at >= :since");
      binds.put("since", since);
    }
    if (until != null) {
      sql.append(" AND d.last_failed_at < :until");
      binds.put("until", until);
    }
    return new Where(sql.toString(), binds);
  }

  record Where(String sql, Map<String, Object> binds) {
    <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bind(T statement) {
      binds.forEach(statement::bind);
      return statement;
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
