package dev.uploads.ops.deadletters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LetterFilterTest {
  private static LetterFilter parse(
      List<String> ids, String job, List<String> statuses, String since, String until) {
    return LetterFilter.parse(ids, job, statuses, null, null, null, null, since, until);
  }

  @Test
  void statusesAndIdsMayBeRepeatedOrCommaSeparated() {
    LetterFilter filter =
        parse(List.of("3,4", "5"), "emails", List.of("open,Parked", "resolved"), null, null);
    assertEquals(List.of(3L, 4L, 5L), filter.ids());
    assertEquals(List.of("open", "parked", "resolved"), filter.statuses());
    assertEquals("emails", filter.job());
  }

  @Test
  void agesAndInstantsAreTimes() {
    Instant before = Instant.now();
    LetterFilter filter = parse(null, null, null, "2h", "2099-11-23T08:00:00Z");
    Instant after = Instant.now();
    assertTrue(!filter.since().isBefore(before.minus(Duration.ofHours(2))));
    assertTrue(!filter.since().isAfter(after.minus(Duration.ofHours(2))));
    assertEquals(Instant.parse("2099-11-23T08:00:00Z"), filter.until());
    assertEquals(Duration.ofDays(7), LetterFilter.age("7d"));
    assertEquals(Duration.ofSeconds(45), LetterFilter.age("45s"));
    assertNull(LetterFilter.age("a month"));
  }

  @Test
  void mistakesAreErrorsThatSayWhatIsAllowed() {
    assertMessage("unknown job 'thumbnail'", () -> parse(null, "thumbnail", null, null, null));
    assertMessage(
        "unknown status 'broken'", () -> parse(null, null, List.of("open,broken"), null, null));
    assertMessage("is not a letter id", () -> parse(List.of("12a"), null, null, null, null));
    assertMessage("positive whole numbers", () -> parse(List.of("0"), null, null, null, null));
    assertMessage("neither an ISO-8601", () -> parse(null, null, null, "yesterday", null));
    assertMessage("is not before", () -> parse(null, null, null, "1h", "2h"));
  }

  @Test
  void aFilterThatNarrowsNothingIsEmptyAndActionsRefuseIt() {
    assertTrue(LetterFilter.all().isEmpty());
    assertTrue(parse(null, " ", List.of(), "", null).isEmpty());
    assertMessage(
        "say which letters",
        () ->
            new ActionRequest(
                ActionRequest.Kind.REPLAY, LetterFilter.all(), "why", false, 50.0, 10));
  }

  @Test
  void actionRequestsCheckTheirBounds() {
    LetterFilter emails = parse(null, "emails", null, null, null);
    assertMessage(
        "--max must be between 1 and 100000",
        () -> new ActionRequest(ActionRequest.Kind.REPLAY, emails, "why", false, 50.0, 0));
    assertMessage(
        "--rate must be",
        () -> new ActionRequest(ActionRequest.Kind.REPLAY, emails, "why", false, -1.0, 10));
    ActionRequest blank =
        new ActionRequest(ActionRequest.Kind.DISCARD, emails, "   ", false, null, 10);
    assertMessage("a reason is required for every discard", blank::requireReason);
  }

  @Test
  void theWhereClauseBindsEveryCriterion() {
    LetterFilter filter =
        LetterFilter.parse(
            List.of("7"),
            "stats",
            List.of("open"),
            "abc",
            "PermanentFailure",
            "k1",
            "upload.received",
            "2026-11-01T00:00:00Z",
            null);
    assertEquals("stats", filter.job());
    assertEquals("%.PermanentFailure", LetterFilter.exceptionTail("PermanentFailure"));
    assertEquals("%.a\\_b\\%", LetterFilter.exceptionTail("a_b%"), "LIKE's wildcards escaped");
    for (String parameter :
        List.of(
            "ids",
            "job",
            "statuses",
            "fingerprint",
            "exception",
            "exceptionTail",
            "key",
            "type",
            "since",
            "until")) {
      assertTrue(
          LetterFilter.CONDITION.contains(":" + parameter), parameter + " is in the condition");
    }
    assertTrue(LetterFilter.CONDITION.contains("d.last_failed_at >= :since"));
  }

  private static void assertMessage(String expected, Runnable action) {
    OperatorError error = assertThrows(OperatorError.class, action::run);
    assertTrue(
        error.getMessage().contains(expected), "'" + error.getMessage() + "' lacks " + expected);
  }
}
