package dev.uploads.topology.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.topology.chaos.TopicLog.Event;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares what the clients were told (every 202) with what PostgreSQL, Kafka, the S3 bucket, the
 * SMTP catcher and the stats say. Every discrepancy is listed, in the order the checks ran; the
 * figures are what the report prints.
 */
final class Reconciliation {
  static final int THUMBNAILS = 2;
  private static final Map<String, Integer> RANK =
      Map.of("upload.received", 0, "upload.thumbnailed", 1, "upload.failed", 1, "email.sent", 2);

  final List<String> discrepancies = new ArrayList<>();
  final Map<String, Long> figures = new LinkedHashMap<>();

  /**
   * @param bucket every object path in the S3 store's bucket
   * @param mails the Message-ID of every mail the catcher holds for the account, one per mail
   * @param stats the account's {@code GET /v1/stats} totals
   */
  Reconciliation(
      Load load,
      Truth truth,
      Map<String, List<Event>> topic,
      Set<String> bucket,
      List<String> mails,
      JsonNode stats) {
    Set<String> accepted = new HashSet<>();
    long good = 0;
    long bad = 0;
    for (Load.Sent sent : load.sent.values()) {
      if (sent.ids().isEmpty()) {
        continue;
      }
      if (sent.ids().size() > 1) {
        fail(
            "Idempotency-Key "
                + sent.key()
                + " gave "
                + sent.ids().size()
                + " uploads "
                + sent.ids());
      }
      String id = sent.ids().iterator().next();
      accepted.add(id);
      Truth.Upload upload = truth.uploads().get(id);
      if (upload == null) {
        fail("accepted upload " + id + " is missing");
        continue;
      }
      if (sent.expectedFailure() == null) {
        good++;
        expect("ready", upload.status(), "upload " + id + " status");
      } else {
        bad++;
        expect("failed", upload.status(), "bad upload " + id + " status");
        expect(sent.expectedFailure(), upload.failureCode(), "bad upload " + id + " failure.code");
      }
    }
    figures.put("accepted", (long) accepted.size());
    figures.put("accepted_good", good);
    figures.put("accepted_bad", bad);
    figures.put("repeated_keys", load.sent.values().stream().filter(Load.Sent::repeated).count());
    figures.put("abandoned", (long) load.abandoned.size());
    long missing = accepted.stream().filter(id -> !truth.uploads().containsKey(id)).count();
    figures.put("lost", missing);
    // Uploads the clients were never told about: only a key given up on may have one.
    long unacknowledged = 0;
    for (String id : truth.uploads().keySet()) {
      if (!accepted.contains(id)) {
        String key = keyOf(truth, id);
        if (key == null || !load.abandoned.contains(key)) {
          fail("upload " + id + " exists but no client was told (key " + key + ")");
        }
        unacknowledged++;
      }
    }
    figures.put("committed_but_unacknowledged", unacknowledged);

    long thumbnails = 0;
    long deliveries = 0;
    for (Truth.Upload upload : truth.uploads().values()) {
      boolean ready = upload.status().equals("ready");
      List<String> keys = truth.thumbnailKeys().getOrDefault(upload.id(), List.of());
      thumbnails += keys.size();
      expect(ready ? THUMBNAILS : 0, keys.size(), "thumbnails of " + upload.id());
      for (String key : keys) {
        if (bucket.stream().noneMatch(path -> path.endsWith("/" + key))) {
          fail("thumbnail " + key + " of " + upload.id() + " is not in the bucket");
        }
      }
      int sentMails = truth.messageIds().getOrDefault(upload.id(), List.of()).size();
      deliveries += sentMails;
      expect(ready ? 1 : 0, sentMails, "email_deliveries rows of " + upload.id());
      int letters = truth.deadLetters().getOrDefault(upload.id() + " thumbnails", 0);
      expect(upload.status().equals("failed") ? 1 : 0, letters, "dead letters of " + upload.id());
      order(upload, topic.getOrDefault(upload.id(), List.of()));
    }
    long allLetters = truth.deadLetters().values().stream().mapToLong(Integer::longValue).sum();
    expect(0L, allLetters - bad, "dead letters beyond one per bad image");
    expect(0L, truth.otherDeadLetters(), "dead letters of no upload of this run");
    expect(0L, truth.outbox(), "outbox rows left");

    Set<String> expectedIds = new HashSet<>();
    truth.messageIds().values().forEach(expectedIds::addAll);
    Set<String> distinct = new HashSet<>(mails);
    expect(expectedIds, distinct, "distinct Message-IDs at the catcher");
    figures.put("mails_received", (long) mails.size());
    figures.put("mails_distinct", (long) distinct.size());
    figures.put("mail_duplicates", (long) (mails.size() - distinct.size()));
    figures.put("email_deliveries", deliveries);
    figures.put("thumbnails", thumbnails);

    long bytes = truth.uploads().values().stream().mapToLong(Truth.Upload::bytes).sum();
    expect(
        (long) truth.uploads().size(),
        stats.path("uploads_received").asLong(),
        "stats uploads_received");
    expect(bytes, stats.path("bytes_received").asLong(), "stats bytes_received");
    expect(thumbnails, stats.path("thumbnails_made").asLong(), "stats thumbnails_made");
    expect(deliveries, stats.path("emails_sent").asLong(), "stats emails_sent");
    expect(allLetters, stats.path("dead_letters").asLong(), "stats dead_letters");
  }

  /** Per key: first occurrences (by event id) in topic order must follow commit order. */
  private void order(Truth.Upload upload, List<Event> events) {
    Set<String> seen = new HashSet<>();
    List<String> firsts = new ArrayList<>();
    long duplicates = 0;
    for (Event event : events) {
      if (seen.add(event.id())) {
        firsts.add(event.type());
      } else {
        duplicates++;
      }
    }
    figures.merge("event_duplicates_on_topic", duplicates, Long::sum);
    figures.merge("events_on_topic", (long) events.size(), Long::sum);
    List<String> expected =
        switch (upload.status()) {
          case "ready" -> List.of("upload.received", "upload.thumbnailed", "email.sent");
          case "failed" -> List.of("upload.received", "upload.failed");
          default -> List.of("upload.received");
        };
    for (String type : expected) {
      if (!firsts.contains(type)) {
        fail("no " + type + " on the uploads topic for " + upload.id() + " " + firsts);
      }
    }
    int last = -1;
    for (String type : firsts) {
      int rank = RANK.getOrDefault(type, last);
      if (rank < last) {
        figures.merge("order_inversions", 1L, Long::sum);
        fail("order inversion for " + upload.id() + ": " + firsts);
        return;
      }
      last = rank;
    }
    figures.putIfAbsent("order_inversions", 0L);
  }

  private static String keyOf(Truth truth, String id) {
    return truth.keys().entrySet().stream()
        .filter(e -> e.getValue().equals(id))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(null);
  }

  private void expect(Object expected, Object actual, String what) {
    if (!expected.equals(actual)) {
      fail(what + ": expected " + expected + ", found " + actual);
    }
  }

  private void fail(String discrepancy) {
    discrepancies.add(discrepancy);
  }
}
