package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.infra.ChildJvm;
import dev.uploads.infra.SharedInfra;
import dev.uploads.ops.deadletters.Cli;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Operators at work on the whole running system, through the ops/dead-letters command line and the
 * admin port's /dead-letters endpoints: looking, replaying, parking, dry runs, a killed replay
 * resumed, discarding, retention, and refusing bad input.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeadLetterOperationsTest {
  private static SystemHarness system;
  private static Operator operator;

  @BeforeAll
  static void start() throws Exception {
    system = SystemHarness.get();
    operator = new Operator(system, "night-shift");
  }

  @Test
  @Order(1)
  void listSummaryAndShowSayWhatBroke() throws Exception {
    String since = Instant.now().minusSeconds(1).toString();
    Client client = system.newClient("ops-broken@example.test");
    String truncated = client.upload(truncatedJpeg());
    String truncatedToo = client.upload(truncatedJpeg());
    String bomb = client.upload(PermanentFailuresTest.bombPng(60_000, 60_000));
    for (String id : List.of(truncated, truncatedToo, bomb)) {
      awaitLetter("thumbnails", id);
    }

    Operator.Run list = operator.cli("--json", "list", "--job", "thumbnails", "--since", since);
    assertEquals(0, list.exit(), list.err());
    Set<String> keys = new HashSet<>();
    list.json().get("letters").forEach(l -> keys.add(l.get("event_key").asText()));
    assertEquals(Set.of(truncated, truncatedToo, bomb), keys);

    Operator.Run summary =
        operator.cli("--json", "summary", "--job", "thumbnails", "--since", since);
    assertEquals(0, summary.exit(), summary.err());
    JsonNode groups = summary.json().get("groups");
    assertEquals(2, groups.size(), groups.toString());
    JsonNode corrupt = groups.get(0);
    assertEquals(fingerprint(truncated), corrupt.get("fingerprint").asText());
    assertEquals(2, corrupt.get("letters").asInt());
    assertEquals(2, corrupt.get("open").asInt());
    assertNotNull(corrupt.get("first_seen"));
    assertNotNull(corrupt.get("last_seen"));
    assertEquals(fingerprint(bomb), groups.get(1).get("fingerprint").asText());
    assertEquals(1, groups.get(1).get("letters").asInt());
    assertTrue(groups.get(1).get("sample_message").asText().contains("MP limit"));

    Operator.Answer http = operator.get("/summary?job=thumbnails&since=" + since);
    assertEquals(200, http.status());
    assertEquals(groups, http.body().get("groups"), "the same summary over HTTP");
    Operator.Answer byKey = operator.get("/?job=thumbnails&key=" + bomb);
    assertEquals(200, byKey.status());
    assertEquals(1, byKey.body().get("letters").size());

    Operator.Run table = operator.cli("summary", "--job", "thumbnails", "--since", since);
    assertTrue(table.out().startsWith("JOB"), table.out());
    assertTrue(table.out().contains(fingerprint(truncated)), table.out());

    long bombLetter = letterId("thumbnails", bomb);
    Operator.Run show = operator.cli("show", Long.toString(bombLetter));
    assertEquals(0, show.exit(), show.err());
    assertTrue(show.out().contains("attempts:"), show.out());
    assertTrue(show.out().contains("#1 "), show.out());
    assertTrue(show.out().contains("PermanentFailure"), show.out());
    assertTrue(show.out().contains("MP limit"), show.out());
    assertTrue(show.out().contains("from       uploads partition"), show.out());
    assertTrue(show.out().contains("at dev.uploads."), "the stack is shown: " + show.out());

    Operator.Answer detail = operator.get("/" + bombLetter);
    assertEquals(200, detail.status());
    assertEquals(1, detail.body().get("attempts").size());
    assertTrue(detail.body().get("attempts").get(0).get("stack").asText().contains("at "));
    assertEquals("uploads", detail.body().get("source").get("topic").asText());
    assertTrue(detail.body().get("source").has("offset"));
    assertEquals("upload.received", detail.body().get("headers").get("event-type").asText());
    assertTrue(detail.body().get("payload").isObject(), detail.body().toString());
  }

  @Test
  @Order(2)
  void replayAfterTheCauseIsFixedMailsOnceAndNoOtherJobSeesTheEventAgain() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String broken = "ops-" + tag + "@@example.test";
    Client client = system.newClient(broken);
    String upload = client.upload(Images.jpeg(320, 240));
    long letter = awaitLetter("emails", upload);
    assertEquals("ready", client.status(upload), "the thumbnails job succeeded");
    assertTrue(text("SELECT message FROM dead_letters WHERE id = " + letter).contains("invalid"));
    quiet();
    long thumbnailsProcessed = system.meter("job.thumbnails.processed");
    long thumbnailsSkipped = system.meter("job.thumbnails.skipped-duplicate");
    long statsSkipped = system.meter("job.stats.skipped-duplicate");
    Map<String, Long> offsets = endOffsets();

    // The operator corrects the address, then replays.
    String fixed = "ops-" + tag + "@example.test";
    system.jdbi.useHandle(
        h -> h.execute("UPDATE accounts SET email = ? WHERE email = ?", fixed, broken));
    Operator.Answer replay =
        operator.post(
            "/replay", Map.of("ids", List.of(letter), "reason", "recipient address corrected"));
    assertEquals(202, replay.status(), String.valueOf(replay.body()));
    long action = replay.body().get("id").asLong();
    assertEquals(
        "/dead-letters/actions/" + action,
        replay.response().headers().firstValue("Location").orElseThrow());

    SystemHarness.await(
        "the letter is resolved", Duration.ofSeconds(60), () -> "resolved".equals(status(letter)));
    Client corrected = new Client(system, fixed, client.key());
    SystemHarness.await(
        "the mail arrives", Duration.ofSeconds(30), () -> corrected.mailsReceived() == 1);
    quiet();
    assertEquals(1, corrected.mailsReceived(), "sent once");
    assertEquals(
        1, system.count("SELECT count(*) FROM email_deliveries WHERE upload_id = ?::uuid", upload));

    assertEquals(thumbnailsProcessed, system.meter("job.thumbnails.processed"));
    assertEquals(thumbnailsSkipped, system.meter("job.thumbnails.skipped-duplicate"));
    assertEquals(statsSkipped, system.meter("job.stats.skipped-duplicate"));
    Map<String, Long> after = endOffsets();
    for (String job : Topics.JOBS) {
      long grew = after.get(Topics.redrive(job)) - offsets.get(Topics.redrive(job));
      assertEquals(job.equals("emails") ? 1 : 0, grew, "records on " + Topics.redrive(job));
    }
    assertEquals(
        1,
        after.get(Topics.UPLOADS) - offsets.get(Topics.UPLOADS),
        "the only new event is the email.sent of the replayed effect");

    String workerScrape =
        new String(
            system
                .send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(system.workerAdmin("/prometheus")))
                        .build())
                .body(),
            StandardCharsets.UTF_8);
    assertTrue(
        workerScrape
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("job_replay_resolved_total{uploads_job=\"emails\",}")
                        && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 1),
        "the worker reports the replay's outcome to Prometheus");

    Operator.Answer audit = operator.get("/actions/" + action);
    assertEquals(200, audit.status());
    assertEquals("night-shift", audit.body().get("operator").asText());
    assertEquals("http", audit.body().get("via").asText());
    assertEquals("recipient address corrected", audit.body().get("reason").asText());
    assertEquals("completed", audit.body().get("status").asText());
    assertEquals(1, audit.body().get("selected").asInt());
    assertEquals(1, audit.body().get("outcomes").get("resolved").asInt());
    Operator.Run cli = operator.cli("actions");
    assertTrue(cli.out().contains("recipient address corrected"), cli.out());
    Operator.Run show = operator.cli("show", Long.toString(letter));
    assertTrue(show.out().contains("resolved"), show.out());
    assertTrue(show.out().contains("recipient address corrected"), show.out());
  }

  @Test
  @Order(3)
  void aReplayThatFailsAgainReopensThenParksAfterThreeReplays() throws Exception {
    Client client = system.newClient("ops-parking@example.test");
    String upload = client.upload(truncatedJpeg());
    long letter = awaitLetter("thumbnails", upload);
    String id = Long.toString(letter);
    for (int replay = 1; replay <= 3; replay++) {
      Operator.Run run =
          operator.cli("--json", "replay", id, "--reason", "try again " + replay, "--wait");
      assertEquals(0, run.exit(), run.err());
      JsonNode outcomes = run.json().get("outcomes");
      assertEquals(1, outcomes.get(replay < 3 ? "failed" : "parked").asInt(), outcomes.toString());
      assertEquals(replay < 3 ? "open" : "parked", status(letter));
      assertEquals(
          1 + replay,
          system.count("SELECT jsonb_array_length(attempts) FROM dead_letters WHERE id = " + id),
          "the new attempt is appended");
      assertEquals(replay, system.count("SELECT replay_count FROM dead_letters WHERE id = " + id));
      assertEquals("failed", client.status(upload));
    }
    Operator.Run refused = operator.cli("replay", id, "--reason", "once more");
    assertEquals(4, refused.exit());
    assertTrue(refused.err().contains("parked after 3 failed replays"), refused.err());
    assertTrue(refused.err().contains("--include-parked"), refused.err());
    Operator.Answer httpRefused =
        operator.post("/replay", Map.of("ids", List.of(letter), "reason", "once more"));
    assertEquals(409, httpRefused.status());
    assertTrue(httpRefused.body().get("detail").asText().contains("parked"));
    assertEquals(3, system.count("SELECT replay_count FROM dead_letters WHERE id = " + id));

    Operator.Run forced =
        operator.cli(
            "--json", "replay", id, "--reason", "decoder upgraded", "--include-parked", "--wait");
    assertEquals(0, forced.exit(), forced.err());
    assertEquals(1, forced.json().get("outcomes").get("parked").asInt());
    assertEquals(4, system.count("SELECT replay_count FROM dead_letters WHERE id = " + id));
    Operator.Run parked = operator.cli("--json", "list", "--status", "parked", "--key", upload);
    assertEquals(1, parked.json().get("letters").size());
  }

  @Test
  @Order(4)
  void dryRunsChangeNothing() throws Exception {
    Client client = system.newClient("ops-dry@example.test");
    String upload = client.upload(truncatedJpeg());
    long letter = awaitLetter("thumbnails", upload);
    String before = quiet();

    Operator.Run dry = operator.cli("--json", "replay", "--job", "thumbnails", "--dry-run");
    assertEquals(0, dry.exit(), dry.err());
    assertTrue(dry.json().get("included").asInt() >= 1);
    boolean listed = false;
    for (JsonNode planned : dry.json().get("letters")) {
      if (planned.get("letter").get("id").asLong() == letter) {
        listed = planned.get("included").asBoolean();
      }
    }
    assertTrue(listed, "the dry run lists the letter it would replay");
    Operator.Run table = operator.cli("replay", "--job", "thumbnails", "--dry-run");
    assertTrue(table.out().contains("nothing was changed"), table.out());
    Operator.Answer http =
        operator.post("/replay", Map.of("job", "thumbnails", "dry_run", true, "rate", 5));
    assertEquals(200, http.status());
    assertEquals(dry.json().get("included"), http.body().get("included"));
    Operator.Run discard =
        operator.cli("discard", Long.toString(letter), "--reason", "x", "--dry-run");
    assertEquals(0, discard.exit(), discard.err());
    Operator.Answer httpDiscard =
        operator.post("/discard", Map.of("ids", List.of(letter), "reason", "x", "dry_run", true));
    assertEquals(200, httpDiscard.status());

    Thread.sleep(1_500); // time enough for a relay to publish anything that was written
    assertEquals(before, snapshot(), "database rows and topic offsets are as they were");
    assertEquals("open", status(letter));
  }

  @Test
  @Order(5)
  void aThousandLetterReplayKilledHalfWayAndResumedSendsEachLetterOnce() throws Exception {
    String since = Instant.now().minusSeconds(1).toString();
    try (KafkaProducer<byte[], byte[]> producer = Topic.producer()) {
      for (int i = 0; i < 1_000; i++) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.EVENT_ID, Topic.utf8(UUID.randomUUID().toString()));
        headers.add(EventHeaders.EVENT_TYPE, Topic.utf8("upload.exploded"));
        headers.add(EventHeaders.EVENT_VERSION, Topic.utf8("1"));
        producer.send(
            new ProducerRecord<>(
                Topics.UPLOADS, null, Topic.utf8("exploded-" + i), Topic.utf8("{}"), headers));
      }
    }
    SystemHarness.await(
        "1,000 stats letters",
        Duration.ofSeconds(120),
        () ->
            system.count(
                    "SELECT count(*) FROM dead_letters WHERE job = 'stats'"
                        + " AND event_type = 'upload.exploded' AND last_failed_at >= ?::timestamptz",
                    since)
                == 1_000);

    List<String> args = new ArrayList<>(operator.databaseArgs());
    args.addAll(
        List.of(
            "replay",
            "--job",
            "stats",
            "--type",
            "upload.exploded",
            "--since",
            since,
            "--rate",
            "100",
            "--reason",
            "kill-test " + since));
    Process cli =
        new ProcessBuilder(ChildJvm.command(List.of("-Xmx256m"), Cli.class, args))
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(system.dir.resolve("cli.log").toFile()))
            .start();
    long action;
    try {
      SystemHarness.await(
          "the replay is a third done",
          Duration.ofSeconds(60),
          () ->
              system.count(
                      "SELECT count(*) FROM dead_letter_action_items i JOIN dead_letter_actions a"
                          + " ON a.id = i.action_id WHERE a.reason = ? AND i.done_at IS NOT NULL",
                      "kill-test " + since)
                  >= 300);
    } finally {
      cli.destroyForcibly();
      cli.waitFor();
    }
    action =
        system.count("SELECT id FROM dead_letter_actions WHERE reason = ?", "kill-test " + since);
    long doneWhenKilled =
        system.count(
            "SELECT count(*) FROM dead_letter_action_items WHERE action_id = ?"
                + " AND done_at IS NOT NULL",
            action);
    assertTrue(doneWhenKilled >= 300 && doneWhenKilled < 1_000, "killed at " + doneWhenKilled);

    Operator.Run resumed = operator.cli("--json", "replay", "--resume", Long.toString(action));
    assertEquals(0, resumed.exit(), resumed.err());
    assertEquals("completed", resumed.json().get("status").asText());
    assertEquals(1_000, resumed.json().get("selected").asInt());
    assertEquals(1_000, resumed.json().get("done").asInt());
    assertEquals(
        1_000,
        system.count(
            "SELECT count(*) FROM dead_letters d JOIN dead_letter_action_items i"
                + " ON i.letter_id = d.id WHERE i.action_id = ? AND d.replay_count = 1"
                + " AND i.generation = 1",
            action),
        "every letter was replayed exactly once");

    var records =
        Topic.read(
            Topics.redrive("stats"),
            rs -> actionRecords(rs, action).size() >= 1_000,
            Duration.ofSeconds(60));
    List<String> ids = actionRecords(records, action);
    assertEquals(1_000, ids.size(), "records on stats.redrive for the action");
    assertEquals(1_000, new HashSet<>(ids).size(), "each event id once");
    Operator.Run again = operator.cli("replay", "--resume", Long.toString(action));
    assertEquals(4, again.exit(), "a completed replay is not run again: " + again.err());

    // They fail again (the type is still unknown), and come back open; now without a rate limit.
    String reopened =
        "SELECT count(*) FROM dead_letters WHERE job = 'stats' AND event_type = 'upload.exploded'"
            + " AND status = 'open' AND replay_count = 1 AND last_failed_at >= ?::timestamptz";
    SystemHarness.await(
        "the 1,000 letters are open again",
        Duration.ofSeconds(120),
        () -> system.count(reopened, since) == 1_000);
    Operator.Run unlimited =
        operator.cli(
            "--json",
            "replay",
            "--job",
            "stats",
            "--type",
            "upload.exploded",
            "--since",
            since,
            "--rate",
            "unlimited",
            "--reason",
            "unlimited " + since);
    assertEquals(0, unlimited.exit(), unlimited.err());
    assertEquals("completed", unlimited.json().get("status").asText());
    assertEquals(1_000, unlimited.json().get("done").asInt());
    assertTrue(unlimited.json().path("rate").isMissingNode(), "no rate: " + unlimited.out());
  }

  @Test
  @Order(6)
  void discardNeedsAReasonAndRetentionPrunesOnlyClosedLetters() throws Exception {
    Client client = system.newClient("ops-discard@example.test");
    String corrupt = client.upload(truncatedJpeg());
    String bomb = client.upload(PermanentFailuresTest.bombPng(50_000, 50_000));
    String ancient = client.upload(truncatedJpeg());
    long corruptLetter = awaitLetter("thumbnails", corrupt);
    long bombLetter = awaitLetter("thumbnails", bomb);
    long ancientLetter = awaitLetter("thumbnails", ancient);

    Operator.Run noReason = operator.cli("discard", Long.toString(corruptLetter));
    assertEquals(2, noReason.exit());
    assertTrue(noReason.err().contains("reason is required"), noReason.err());
    assertEquals("open", status(corruptLetter));

    Operator.Run discarded =
        operator.cli(
            "--json", "discard", Long.toString(corruptLetter), "--reason", "corrupt at source");
    assertEquals(0, discarded.exit(), discarded.err());
    assertEquals(1, discarded.json().get("outcomes").get("discarded").asInt());
    assertEquals("discarded", status(corruptLetter));
    Operator.Answer readable = operator.get("/" + corruptLetter);
    assertEquals(200, readable.status(), "a discarded letter stays readable");
    assertEquals("discarded", readable.body().get("letter").get("status").asText());
    assertEquals("corrupt at source", readable.body().get("actions").get(0).get("reason").asText());
    Operator.Answer httpDiscard =
        operator.post("/discard", Map.of("ids", List.of(bombLetter), "reason", "bomb"));
    assertEquals(200, httpDiscard.status(), String.valueOf(httpDiscard.body()));
    assertEquals("discarded", status(bombLetter));

    // Age them past the 30-day bound, and one open letter far past it.
    system.jdbi.useHandle(
        h -> {
          h.execute(
              "UPDATE dead_letters SET closed_at = now() - interval '40 days' WHERE id IN (?, ?)",
              corruptLetter,
              bombLetter);
          h.execute(
              "UPDATE dead_letters SET first_failed_at = now() - interval '400 days',"
                  + " created_at = now() - interval '400 days' WHERE id = ?",
              ancientLetter);
        });
    long unresolved =
        system.count(
            "SELECT count(*) FROM dead_letters WHERE status IN ('open', 'replaying', 'parked')");
    long recentlyClosed =
        system.count(
            "SELECT count(*) FROM dead_letters WHERE closed_at > now() - interval '30 days'");
    assertTrue(recentlyClosed > 0, "earlier tests resolved letters recently");

    Operator.Run dry = operator.cli("--json", "prune", "--older-than", "30d", "--dry-run");
    assertEquals(2, dry.json().get("pruned").asInt(), dry.out());
    Operator.Run prune = operator.cli("--json", "prune", "--older-than", "30d");
    assertEquals(0, prune.exit(), prune.err());
    assertEquals(2, prune.json().get("pruned").asInt());
    assertEquals(0, system.count("SELECT count(*) FROM dead_letters WHERE id = " + corruptLetter));
    assertEquals(0, system.count("SELECT count(*) FROM dead_letters WHERE id = " + bombLetter));
    assertEquals("open", status(ancientLetter), "an open letter is never pruned");
    assertEquals(
        unresolved,
        system.count(
            "SELECT count(*) FROM dead_letters WHERE status IN ('open', 'replaying', 'parked')"));
    assertEquals(
        recentlyClosed,
        system.count(
            "SELECT count(*) FROM dead_letters WHERE closed_at > now() - interval '30 days'"));
    Operator.Answer httpPrune = operator.post("/prune?older_than=30d", Map.of());
    assertEquals(200, httpPrune.status());
    assertEquals(0, httpPrune.body().get("pruned").asInt());
    Operator.Run audit = operator.cli("--json", "actions", "--limit", "50");
    boolean recorded = false;
    for (JsonNode a : audit.json().get("actions")) {
      recorded |=
          a.get("kind").asText().equals("discard")
              && a.get("reason").asText().equals("corrupt at source")
              && a.get("operator").asText().equals("night-shift");
    }
    assertTrue(recorded, "the discard is in the audit trail");
  }

  @Test
  @Order(7)
  void badOperatorInputIsRefusedClearlyAndChangesNothing() throws Exception {
    String before = quiet();
    expect(2, "unknown job 'thumbnail'", "list", "--job", "thumbnail");
    expect(2, "neither an ISO-8601 instant", "list", "--since", "yesterday");
    expect(2, "unknown status 'broken'", "summary", "--status", "broken");
    expect(2, "reason is required", "replay", "--job", "emails");
    expect(2, "reason is required", "replay", "--job", "emails", "--reason", "  ");
    expect(2, "say which letters", "replay", "--reason", "everything");
    expect(2, "is not a letter id", "replay", "abc", "--reason", "x");
    expect(2, "--rate", "replay", "--job", "emails", "--reason", "x", "--rate", "fast");
    expect(3, "no dead letter has id 999999999", "show", "999999999");
    expect(3, "no dead letter has id 999999999", "replay", "999999999", "--reason", "x");
    expect(3, "no dead letter has id 999999999", "discard", "999999999", "--reason", "x");
    expect(3, "no action has id 999999999", "replay", "--resume", "999999999");
    expect(2, "is an age such as 30d", "prune", "--older-than", "a month");
    Operator.Run json = operator.cli("--json", "list", "--job", "nope");
    assertEquals("bad_input", json.json().get("error").asText());

    problem(operator.get("/?job=thumbnail"), 400, "unknown job");
    problem(operator.get("/?since=yesterday"), 400, "ISO-8601");
    problem(operator.get("/999999999"), 404, "no dead letter has id 999999999");
    problem(operator.post("/replay", Map.of("job", "emails")), 400, "reason is required");
    problem(
        operator.post("/replay", Map.of("jobb", "emails", "reason", "x")),
        400,
        "unknown field 'jobb'");
    problem(operator.post("/replay", Map.of("ids", List.of(999999999), "reason", "x")), 404, "");
    problem(operator.post("/replay", "{not json"), 400, "not a JSON object");
    problem(
        operator.post("/replay", Map.of("job", "emails", "reason", "x", "max", "many")),
        400,
        "field 'max' has the wrong type: a whole number");
    problem(
        operator.post("/discard", Map.of("job", "emails", "reason", "x", "dry_run", "maybe")),
        400,
        "field 'dry_run'");
    problem(
        operator.post("/actions/1/cancel", Map.of("why", "x")), 400, "the only field is reason");
    // Every refusal on the admin port is the same problem+json as on the client API.
    for (Operator.Answer refusal :
        List.of(
            operator.post("/replay", Map.of("jobb", "emails")),
            operator.get("/no/such/path"),
            operator.get("/", null))) {
      assertEquals(
          "application/problem+json",
          refusal.response().headers().firstValue("Content-Type").orElse(""),
          String.valueOf(refusal.body()));
      assertEquals("about:blank", refusal.body().get("type").asText());
      assertEquals(refusal.status(), refusal.body().get("status").asInt());
    }

    String clientKey = system.newClient("ops-intruder@example.test").key();
    assertEquals(401, operator.get("/", clientKey).status(), "a client key is not an operator");
    assertEquals(401, operator.get("/summary", clientKey).status());
    assertEquals(
        401, operator.post("/replay", Map.of("job", "emails", "reason", "x"), clientKey).status());
    assertEquals(401, operator.get("/", null).status());
    assertEquals(401, operator.get("/", "opk_forged").status());
    assertEquals(before, snapshot(), "nothing changed");
  }

  @Test
  @Order(8)
  void aReplayIsPausedResumedAndCancelledOnTheRecordAndNoLetterGoesAfterAPause() throws Exception {
    String since = Instant.now().minusSeconds(1).toString();
    try (KafkaProducer<byte[], byte[]> producer = Topic.producer()) {
      for (int i = 0; i < 60; i++) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.EVENT_ID, Topic.utf8(UUID.randomUUID().toString()));
        headers.add(EventHeaders.EVENT_TYPE, Topic.utf8("upload.paused"));
        headers.add(EventHeaders.EVENT_VERSION, Topic.utf8("1"));
        producer.send(
            new ProducerRecord<>(
                Topics.UPLOADS, null, Topic.utf8("paused-" + i), Topic.utf8("{}"), headers));
      }
    }
    String letters =
        "SELECT count(*) FROM dead_letters WHERE job = 'stats' AND event_type = 'upload.paused'"
            + " AND last_failed_at >= ?::timestamptz";
    SystemHarness.await(
        "60 stats letters", Duration.ofSeconds(60), () -> system.count(letters, since) == 60);

    Operator.Answer started =
        operator.post(
            "/replay",
            Map.of(
                "job",
                "stats",
                "type",
                "upload.paused",
                "since",
                since,
                "rate",
                10,
                "reason",
                "pause-test " + since));
    assertEquals(202, started.status(), String.valueOf(started.body()));
    long action = started.body().get("id").asLong();
    String done =
        "SELECT count(*) FROM dead_letter_action_items WHERE action_id = ? AND outcome IS NOT NULL"
            + " AND outcome <> 'skipped'";
    SystemHarness.await(
        "five letters sent", Duration.ofSeconds(30), () -> system.count(done, action) >= 5);

    Operator viewer =
        new Operator(system, "viewer-" + UUID.randomUUID().toString().substring(0, 8));
    new dev.uploads.ops.deadletters.Operators(system.jdbi)
        .assign(viewer.name, dev.uploads.ops.deadletters.Operators.Role.VIEWER);
    assertEquals(403, viewer.post("/actions/" + action + "/pause", Map.of()).status());

    Operator.Answer paused =
        operator.post("/actions/" + action + "/pause", Map.of("reason", "checking a letter"));
    assertEquals(200, paused.status(), String.valueOf(paused.body()));
    assertEquals("paused", paused.body().get("status").asText());
    long sentAtPause = system.count(done, action);
    Thread.sleep(1_500); // 15 letters' worth at the action's rate
    assertEquals(sentAtPause, system.count(done, action), "nothing is sent while paused");
    assertEquals(
        409, operator.post("/actions/" + action + "/pause", Map.of()).status(), "paused already");

    assertEquals(202, operator.post("/actions/" + action + "/resume", Map.of()).status());
    SystemHarness.await(
        "five more letters sent",
        Duration.ofSeconds(30),
        () -> system.count(done, action) >= sentAtPause + 5);
    Operator.Answer cancelled =
        operator.post("/actions/" + action + "/cancel", Map.of("reason", "enough for today"));
    assertEquals(200, cancelled.status(), String.valueOf(cancelled.body()));
    JsonNode record = cancelled.body();
    assertEquals("cancelled", record.get("status").asText());
    assertEquals(60, record.get("selected").asInt());
    assertEquals(60, record.get("done").asInt() + record.get("skipped").asInt());
    long sent = record.get("done").asInt();
    assertTrue(sent >= sentAtPause + 5 && sent < 60, "sent " + sent);
    List<String> controls = new ArrayList<>();
    record.get("controls").forEach(c -> controls.add(c.get("control").asText()));
    assertEquals(List.of("pause", "resume", "cancel"), controls);
    assertEquals(operator.name, record.get("controls").get(0).get("operator").asText());
    assertEquals("checking a letter", record.get("controls").get(0).get("reason").asText());

    Thread.sleep(1_000);
    assertEquals(
        sent,
        system.count(
            "SELECT count(*) FROM dead_letters WHERE event_type = 'upload.paused'"
                + " AND replay_count = 1 AND last_failed_at >= ?::timestamptz",
            since),
        "exactly the letters sent before the cancel were replayed, each once");
    assertEquals(
        0,
        system.count(
            "SELECT count(*) FROM dead_letters WHERE event_type = 'upload.paused'"
                + " AND replay_count > 1"));
    expect(4, "cancelled", "pause", Long.toString(action));
    Operator.Answer audit = operator.get("/actions?status=cancelled&q=pause-test");
    assertEquals(200, audit.status());
    assertEquals(action, audit.body().get("actions").get(0).get("id").asLong());
  }

  private void expect(int exit, String message, String... args) {
    Operator.Run run = operator.cli(args);
    assertEquals(exit, run.exit(), String.join(" ", args) + ": " + run.err() + run.out());
    assertTrue(run.err().contains(message), String.join(" ", args) + " said: " + run.err());
  }

  private static void problem(Operator.Answer answer, int status, String detail) {
    assertEquals(status, answer.status(), String.valueOf(answer.body()));
    assertTrue(
        answer.body() != null && answer.body().path("detail").asText("").contains(detail),
        String.valueOf(answer.body()));
  }

  private static List<String> actionRecords(
      List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records, long action) {
    List<String> ids = new ArrayList<>();
    for (var record : records) {
      if (Long.toString(action).equals(Topic.header(record, EventHeaders.REPLAY_ACTION))) {
        ids.add(Topic.header(record, EventHeaders.EVENT_ID));
      }
    }
    return ids;
  }

  private static byte[] truncatedJpeg() {
    byte[] jpeg = Images.jpeg(640, 480);
    return Arrays.copyOf(jpeg, jpeg.length / 2);
  }

  private static long awaitLetter(String job, String key) throws InterruptedException {
    SystemHarness.await(
        job + " letter for " + key,
        Duration.ofSeconds(60),
        () ->
            system.count(
                    "SELECT count(*) FROM dead_letters WHERE job = ? AND event_key = ?", job, key)
                == 1);
    return letterId(job, key);
  }

  private static long letterId(String job, String key) {
    return system.count("SELECT id FROM dead_letters WHERE job = ? AND event_key = ?", job, key);
  }

  private static String status(long letter) {
    return text("SELECT status FROM dead_letters WHERE id = " + letter);
  }

  private static String fingerprint(String key) {
    return text("SELECT fingerprint FROM dead_letters WHERE event_key = '" + key + "' LIMIT 1");
  }

  private static String text(String sql) {
    return system.jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
  }

  /** Waits until nothing moves (rows and topics stay the same for a second); returns the state. */
  private static String quiet() throws InterruptedException {
    String last = snapshot();
    for (int i = 0; i < 30; i++) {
      Thread.sleep(1_000);
      String now = snapshot();
      if (now.equals(last)) {
        return now;
      }
      last = now;
    }
    throw new AssertionError("the system did not come to rest within 30 s");
  }

  /** Every dead letter row, the audit trail, the outbox and the end of every topic. */
  private static String snapshot() {
    String rows =
        system.jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT md5(coalesce(string_agg(d::text, '|' ORDER BY d.id), ''))"
                            + " || ' actions ' || (SELECT count(*) FROM dead_letter_actions)"
                            + " || ' items ' || (SELECT count(*) FROM dead_letter_action_items)"
                            + " || ' outbox ' || (SELECT coalesce(max(id), 0) FROM outbox)"
                            + " FROM dead_letters d")
                    .mapTo(String.class)
                    .one());
    return rows + " topics " + endOffsets();
  }

  private static Map<String, Long> endOffsets() {
    Properties p = new Properties();
    p.put("bootstrap.servers", SharedInfra.get().kafka().bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : Topics.all(6).keySet()) {
        consumer
            .partitionsFor(topic, Duration.ofSeconds(30))
            .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      }
      Map<String, Long> ends = new TreeMap<>();
      consumer
          .endOffsets(partitions, Duration.ofSeconds(30))
          .forEach((tp, end) -> ends.merge(tp.topic(), end, Long::sum));
      return ends;
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
