package dev.uploads.topology.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.topology.chaos.TopicLog.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The reconciliation's checks on made-up evidence (no Docker): one consistent run passes, and each
 * kind of damage a chaos run looks for is reported.
 */
class ReconciliationTest {
  private final Load load = new Load(null, List.of(), 1);
  private final Map<String, Truth.Upload> uploads = new HashMap<>();
  private final Map<String, List<String>> thumbnails = new HashMap<>();
  private final Map<String, List<String>> deliveries = new HashMap<>();
  private final Map<String, Integer> letters = new HashMap<>();
  private final Map<String, List<Event>> topic = new HashMap<>();
  private final List<String> mails = new ArrayList<>();
  private final List<String> bucket = new ArrayList<>();

  ReconciliationTest() {
    good("k1", "u1");
    good("k2", "u2");
    load.sent.put("k3", sent("k3", BadImages.TOO_LARGE, "u3"));
    uploads.put("u3", new Truth.Upload("u3", "failed", BadImages.TOO_LARGE, 10));
    letters.put("u3 thumbnails", 1);
    topic.put("u3", events("upload.received", "upload.failed"));
  }

  @Test
  void aConsistentRunHasNoDiscrepancy() throws Exception {
    Reconciliation reconciliation = reconcile();
    assertEquals(List.of(), reconciliation.discrepancies);
    assertEquals(0L, reconciliation.figures.get("lost"));
    assertEquals(3L, reconciliation.figures.get("accepted"));
  }

  @Test
  void aLostUploadADuplicateEffectAndAnInversionAreEachReported() throws Exception {
    uploads.remove("u1");
    deliveries.put("u2", List.of("<m-u2>", "<m-u2-again>"));
    topic.put("u3", events("upload.failed", "upload.received"));
    Reconciliation reconciliation = reconcile();
    String all = String.join("\n", reconciliation.discrepancies);
    assertEquals(1L, reconciliation.figures.get("lost"));
    assertTrue(all.contains("accepted upload u1 is missing"), all);
    assertTrue(all.contains("email_deliveries rows of u2: expected 1, found 2"), all);
    assertTrue(all.contains("order inversion for u3"), all);
  }

  @Test
  void aSecondUploadForOneKeyAndADeadLetterFromAnOutageAreReported() throws Exception {
    load.sent.get("k1").ids().add("u9");
    letters.put("u2 thumbnails", 1);
    String all = String.join("\n", reconcile().discrepancies);
    assertTrue(all.contains("Idempotency-Key k1 gave 2 uploads"), all);
    assertTrue(all.contains("dead letters of u2: expected 0, found 1"), all);
  }

  private void good(String key, String id) {
    load.sent.put(key, sent(key, null, id));
    uploads.put(id, new Truth.Upload(id, "ready", null, 100));
    thumbnails.put(id, List.of("t128-" + id, "t512-" + id));
    bucket.add("/data/uploads/thumbs/t128-" + id);
    bucket.add("/data/uploads/thumbs/t512-" + id);
    deliveries.put(id, List.of("<m-" + id + ">"));
    mails.add("<m-" + id + ">");
    topic.put(id, events("upload.received", "upload.thumbnailed", "email.sent"));
  }

  private static Load.Sent sent(String key, String failure, String id) {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    ids.add(id);
    return new Load.Sent(key, failure, ids, false);
  }

  private static List<Event> events(String... types) {
    List<Event> events = new ArrayList<>();
    for (String type : types) {
      events.add(new Event(type + "-" + events.size(), type));
    }
    return events;
  }

  private Reconciliation reconcile() throws Exception {
    JsonNode stats =
        Live.JSON.readTree(
            "{\"uploads_received\":%d,\"bytes_received\":%d,\"thumbnails_made\":%d,"
                    .formatted(
                        uploads.size(),
                        uploads.values().stream().mapToLong(Truth.Upload::bytes).sum(),
                        thumbnails.values().stream().mapToInt(List::size).sum())
                + "\"emails_sent\":%d,\"dead_letters\":%d}"
                    .formatted(
                        deliveries.values().stream().mapToInt(List::size).sum(),
                        letters.values().stream().mapToInt(Integer::intValue).sum()));
    Map<String, String> keys = new HashMap<>();
    load.sent.forEach((key, sent) -> keys.put(key, sent.ids().iterator().next()));
    Truth truth = new Truth(uploads, thumbnails, deliveries, letters, 0, keys, 0);
    return new Reconciliation(load, truth, topic, Set.copyOf(bucket), mails, stats);
  }
}
