package dev.uploads.ops.deadletters.http;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.uploads.ops.deadletters.ActionRequest;
import dev.uploads.ops.deadletters.DeadLetterSettings;
import dev.uploads.ops.deadletters.LetterFilter;
import dev.uploads.ops.deadletters.OperatorError;
import java.io.IOException;
import java.util.List;

/**
 * The body of {@code POST /dead-letters/replay} and {@code /discard}: letter ids or filter fields,
 * a reason, and for a replay its rate, maximum and whether parked letters go too. A field this type
 * does not know is refused, not ignored: a misspelt filter must not widen an action.
 */
record ActionBody(
    @JsonProperty("ids") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> ids,
    @JsonProperty("job") String job,
    @JsonProperty("status") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> status,
    @JsonProperty("fingerprint") String fingerprint,
    @JsonProperty("exception") String exception,
    @JsonProperty("key") String key,
    @JsonProperty("type") String type,
    @JsonProperty("since") String since,
    @JsonProperty("until") String until,
    @JsonProperty("reason") String reason,
    @JsonProperty("dry_run") Boolean dryRun,
    @JsonProperty("rate") JsonNode rate,
    @JsonProperty("max") Integer max,
    @JsonProperty("include_parked") Boolean includeParked) {

  static final List<String> FIELDS =
      List.of(
          "ids",
          "job",
          "status",
          "fingerprint",
          "exception",
          "key",
          "type",
          "since",
          "until",
          "reason",
          "dry_run",
          "rate",
          "max",
          "include_parked");

  private static final ObjectReader READER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build()
          .readerFor(ActionBody.class);

  /** Reads a body, or says exactly what is wrong with it. */
  static ActionBody read(String json) {
    if (json == null || json.isBlank()) {
      throw OperatorError.badInput(
          "the body is a JSON object, such as {\"job\": \"emails\","
              + " \"reason\": \"...\", \"dry_run\": true}");
    }
    try {
      return READER.readValue(json);
    } catch (UnrecognizedPropertyException e) {
      throw OperatorError.badInput(
          "unknown field '" + e.getPropertyName() + "'; fields are " + String.join(", ", FIELDS));
    } catch (IOException e) {
      String field =
          e instanceof com.fasterxml.jackson.databind.JsonMappingException m
                  && !m.getPath().isEmpty()
              ? m.getPath().get(m.getPath().size() - 1).getFieldName()
              : null;
      throw OperatorError.badInput(
          field == null
              ? "the body is not a JSON object of the fields " + String.join(", ", FIELDS)
              : "field '" + field + "' has the wrong type: " + expected(field));
    }
  }

  private static String expected(String field) {
    return switch (field) {
      case "ids" -> "letter ids, a number or a list of them";
      case "status" -> "a status or a list of them";
      case "dry_run", "include_parked" -> "true or false";
      case "max" -> "a whole number";
      default -> "a single value";
    };
  }

  /** A dry run plans and changes nothing. */
  boolean isDryRun() {
    return Boolean.TRUE.equals(dryRun);
  }

  ActionRequest request(ActionRequest.Kind kind, DeadLetterSettings settings) {
    LetterFilter filter =
        LetterFilter.parse(ids, job, status, fingerprint, exception, key, type, since, until);
    Double letters = settings.getReplayRate();
    if (rate != null && !rate.isNull()) {
      if (rate.isNumber()) {
        letters = rate.asDouble();
      } else if ("unlimited".equals(rate.asText())) {
        letters = null;
      } else {
        throw OperatorError.badInput("rate is a number of letters per second or \"unlimited\"");
      }
    }
    boolean replay = kind == ActionRequest.Kind.REPLAY;
    return new ActionRequest(
        kind,
        filter,
        reason,
        replay && Boolean.TRUE.equals(includeParked),
        replay ? letters : null,
        max == null ? settings.getMaxPerAction() : max);
  }
}
