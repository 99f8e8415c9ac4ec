package dev.uploads.ops.deadletters;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uploads.schema.LetterStatus;
import dev.uploads.schema.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

  /**
   * The one condition every filtered query uses, for table alias {@code d}: fixed text, each
   * criterion a typed parameter that is null (or empty) when the filter leaves it open. {@link
   * #bind} fills them in.
   */
  static final String CONDITION =
      """
       WHERE (cardinality(CAST(:ids AS bigint[])) = 0 OR d.id = ANY(:ids))
         AND (CAST(:job AS text) IS NULL OR d.job = :job)
         AND (cardinality(CAST(:statuses AS text[])) = 0 OR d.status = ANY(:statuses))
         AND (CAST(:fingerprint AS text) IS NULL OR d.fingerprint = :fingerprint)
         AND (CAST(:exception AS text) IS NULL OR d.exception_class = :exception
              OR d.exception_class LIKE :exceptionTail)
         AND (CAST(:key AS text) IS NULL OR d.event_key = :key)
         AND (CAST(:type AS text) IS NULL OR d.event_type = :type)
         AND (CAST(:since AS timestamptz) IS NULL OR d.last_failed_at >= :since)
         AND (CAST(:until AS timestamptz) IS NULL OR d.last_failed_at < :until)
      """;

  /** A simple class name matches too: "PermanentFailure" finds dev.uploads....PermanentFailure. */
  static String exceptionTail(String exceptionClass) {
    return "%." + exceptionClass.replace("%", "\\%").replace("_", "\\_");
  }

  /** Binds this filter's criteria to the parameters of {@link #CONDITION}. */
  <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bind(T statement) {
    return statement
        .bind("ids", ids.toArray(new Long[0]))
        .bind("job", job)
        .bind("statuses", statuses.toArray(new String[0]))
        .bind("fingerprint", fingerprint)
        .bind("exception", exceptionClass)
        .bind("exceptionTail", exceptionClass == null ? null : exceptionTail(exceptionClass))
        .bind("key", key)
        .bind("type", eventType)
        .bind("since", since)
        .bind("until", until);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
