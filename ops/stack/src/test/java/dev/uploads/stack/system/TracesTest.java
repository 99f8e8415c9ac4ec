package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.schema.Topics;
import dev.uploads.stack.system.OtlpReceiver.ReceivedSpan;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One upload's trace, collected for real: the API (in this JVM) and the worker (a JVM of its own)
 * export their spans over OTLP to a receiver in the test, and write JSON log lines. The upload's
 * mail is refused, so the emails job dead-letters it; an operator fixes the address and replays the
 * letter over the admin port. Every hop, from the client's request to the replayed processing, is a
 * span of the one trace, each the child of the hop before, and every log line that names the upload
 * names its trace.
 */
class TracesTest {
  private static final Duration SPANS_ARRIVE = Duration.ofSeconds(60);

  /** One hop as the trace should show it: where it ran, its name and kind, and what else holds. */
  private record Hop(
      String service, String name, String kind, String what, Predicate<ReceivedSpan> also) {
    boolean matches(ReceivedSpan span) {
      return service.equals(span.service())
          && name.equals(span.name())
          && kind.equals(span.kind())
          && also.test(span);
    }
  }

  @Test
  void oneUploadsTraceCoversEveryHopFromItsRequestToItsReplayAndItsLogLinesNameIt()
      throws Exception {
    SystemHarness system = SystemHarness.get();
    OtlpReceiver receiver = SystemHarness.receiver();
    Operator operator = new Operator(system, "tracer");
    String tag = hex(4);
    String broken = "trace-" + tag + "@@example.test";
    Client client = system.newClient(broken);

    String trace = hex(16);
    String callersSpan = hex(8);
    HttpResponse<byte[]> posted =
        client.post(
            Images.jpeg(320, 240),
            "traceparent",
            "00-" + trace + "-" + callersSpan + "-01",
            "X-Request-Id",
            "traces-" + tag);
    String upload = SystemHarness.JSON.readTree(posted.body()).get("id").asText();
    String traceresponse = posted.headers().firstValue("traceresponse").orElseThrow();
    assertTrue(traceresponse.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), traceresponse);
    assertEquals(trace, traceresponse.substring(3, 35), "the client's trace goes on");
    String requestSpan = traceresponse.substring(36, 52);

    SystemHarness.await(
        "the emails job dead-letters the refused mail",
        Duration.ofSeconds(60),
        () -> letters(system, upload) == 1);
    long letter =
        system.count("SELECT id FROM dead_letters WHERE job = 'emails' AND event_key = ?", upload);
    String fixed = "trace-" + tag + "@example.test";
    system.jdbi.useHandle(
        h -> h.execute("UPDATE accounts SET email = ? WHERE email = ?", fixed, broken));
    Operator.Answer replay =
        operator.post("/replay", Map.of("ids", List.of(letter), "reason", "address corrected"));
    assertEquals(202, replay.status(), String.valueOf(replay.body()));
    SystemHarness.await(
        "the replayed letter is resolved",
        Duration.ofSeconds(60),
        () ->
            system.count(
                    "SELECT count(*) FROM dead_letters WHERE id = ? AND status = 'resolved'",
                    letter)
                == 1);

    // From the replayed processing back to the client's span, each hop the parent of the one after.
    List<Hop> hops =
        List.of(
            new Hop(
                "uploads-worker",
                "process emails",
                "CONSUMER",
                "the replayed processing, which mails",
                s ->
                    Topics.redrive("emails").equals(s.attribute("messaging.destination.name"))
                        && !s.error()),
            new Hop(
                "uploads-api",
                "relay publish " + Topics.redrive("emails"),
                "PRODUCER",
                "the relay's publish of the redriven record",
                s -> true),
            new Hop(
                "uploads-api",
                "replay emails",
                "INTERNAL",
                "the operator's replay of the letter",
                s -> Long.toString(letter).equals(s.attribute("uploads.dead_letter.id"))),
            new Hop(
                "uploads-worker",
                "dead letter emails",
                "INTERNAL",
                "the dead letter",
                s -> Long.toString(letter).equals(s.attribute("uploads.dead_letter.id"))),
            new Hop(
                "uploads-worker",
                "process emails",
                "CONSUMER",
                "the failing processing",
                s -> Topics.UPLOADS.equals(s.attribute("messaging.destination.name")) && s.error()),
            new Hop(
                "uploads-api",
                "relay publish uploads",
                "PRODUCER",
                "the relay's publish of upload.thumbnailed",
                s -> upload.equals(s.attribute("messaging.kafka.message.key"))),
            new Hop(
                "uploads-worker",
                "process thumbnails",
                "CONSUMER",
                "the thumbnails job's processing",
                s -> !s.error()),
            new Hop(
                "uploads-api",
                "relay publish uploads",
                "PRODUCER",
                "the relay's publish of upload.received",
                s -> upload.equals(s.attribute("messaging.kafka.message.key"))),
            new Hop(
                "uploads-api",
                "outbox write upload.received",
                "INTERNAL",
                "the outbox write",
                s -> s.attribute("messaging.message.id") != null),
            new Hop(
                "uploads-api",
                "POST",
                "SERVER",
                "the HTTP request",
                s ->
                    "/v1/uploads".equals(s.attribute("url.path"))
                        && requestSpan.equals(s.spanId())
                        && callersSpan.equals(s.parentSpanId())));
    List<ReceivedSpan> chain = awaitChain(receiver, trace, hops);
    Map<String, ReceivedSpan> byHop = new java.util.HashMap<>();
    for (int i = 0; i < hops.size(); i++) {
      byHop.put(hops.get(i).what(), chain.get(i));
    }
    ReceivedSpan deadLetter = byHop.get("the dead letter");
    ReceivedSpan replayed = byHop.get("the operator's replay of the letter");
    ReceivedSpan outboxWrite = byHop.get("the outbox write");
    assertEquals(
        "00-" + trace + "-" + deadLetter.spanId() + "-01",
        text(system, "SELECT traceparent FROM dead_letters WHERE id = ?", letter),
        "the letter keeps its span, which the replay continued");

    assertApiLogLinesNameTheTrace(upload, trace, outboxWrite, replayed);
    assertWorkerLogLinesNameTheTrace(system.workerLog, upload, trace, deadLetter);
  }

  /**
   * Waits until the receiver holds the whole chain: a span matching the first hop whose ancestors
   * match the others, in order. Spans arrive in batches, from two processes.
   */
  private static List<ReceivedSpan> awaitChain(OtlpReceiver receiver, String trace, List<Hop> hops)
      throws InterruptedException {
    long deadline = System.nanoTime() + SPANS_ARRIVE.toNanos();
    String missing = "no span yet";
    while (System.nanoTime() < deadline) {
      List<ReceivedSpan> spans = receiver.trace(trace);
      Map<String, ReceivedSpan> byId =
          spans.stream().collect(Collectors.toMap(ReceivedSpan::spanId, s -> s, (a, b) -> a));
      for (ReceivedSpan leaf : spans) {
        if (!hops.get(0).matches(leaf)) {
          continue;
        }
        List<ReceivedSpan> chain = new ArrayList<>(List.of(leaf));
        ReceivedSpan span = leaf;
        for (Hop hop : hops.subList(1, hops.size())) {
          ReceivedSpan parent = byId.get(span.parentSpanId());
          if (parent == null || !hop.matches(parent)) {
            missing =
                "the parent of "
                    + span
                    + " should be "
                    + hop.what()
                    + ", not "
                    + (parent == null ? "absent" : parent);
            chain = null;
            break;
          }
          chain.add(parent);
          span = parent;
        }
        if (chain != null) {
          return chain;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "trace "
            + trace
            + " is incomplete after "
            + SPANS_ARRIVE
            + " ("
            + missing
            + "); its spans:\n"
            + receiver.trace(trace).stream()
                .map(Object::toString)
                .collect(Collectors.joining("\n")));
  }

  /**
   * The API's lines about the upload: its acceptance (in the outbox write's span), the relay's
   * sends and the operator's replay (in the replay's span), each with the trace id.
   */
  private static void assertApiLogLinesNameTheTrace(
      String upload, String trace, ReceivedSpan outboxWrite, ReceivedSpan replay)
      throws IOException {
    List<JsonNode> lines = jsonLines(SystemHarness.apiLog(), upload);
    assertNamesTheTrace(lines, trace);
    Set<String> loggers =
        lines.stream().map(l -> l.path("logger").asText()).collect(Collectors.toSet());
    assertTrue(
        loggers.containsAll(
            Set.of(
                "dev.uploads.api.upload.UploadResource",
                "dev.uploads.api.relay.OutboxRelay",
                "dev.uploads.ops.deadletters.Redrive")),
        "the API's lines about the upload come from " + loggers);
    assertEquals(
        outboxWrite.spanId(),
        one(lines, "dev.uploads.api.upload.UploadResource").path("span_id").asText());
    assertEquals(
        replay.spanId(),
        one(lines, "dev.uploads.ops.deadletters.Redrive").path("span_id").asText());
    assertTrue(
        lines.stream()
            .filter(l -> l.path("logger").asText().endsWith("UploadResource"))
            .allMatch(l -> l.path("request_id").asText().startsWith("traces-")),
        "the request's lines carry its request id");
  }

  /** The worker's lines about the upload: at least the dead letter's, in its span. */
  private static void assertWorkerLogLinesNameTheTrace(
      Path log, String upload, String trace, ReceivedSpan deadLetter) throws IOException {
    List<JsonNode> lines = jsonLines(log, upload);
    assertNamesTheTrace(lines, trace);
    JsonNode gaveUp =
        lines.stream()
            .filter(l -> "WARN".equals(l.path("level").asText()))
            .filter(l -> l.path("message").asText().contains("gave up on event"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no dead-letter line among " + lines));
    assertEquals(deadLetter.spanId(), gaveUp.path("span_id").asText(), gaveUp.toString());
  }

  private static void assertNamesTheTrace(List<JsonNode> lines, String trace) {
    assertFalse(lines.isEmpty(), "no log line names the upload");
    for (JsonNode line : lines) {
      assertEquals(trace, line.path("trace_id").asText(), line.toString());
      assertEquals(16, line.path("span_id").asText().length(), line.toString());
    }
  }

  private static JsonNode one(List<JsonNode> lines, String logger) {
    return lines.stream()
        .filter(l -> logger.equals(l.path("logger").asText()))
        .findFirst()
        .orElseThrow();
  }

  /** The JSON lines of a log that mention {@code needle}; other lines are skipped. */
  private static List<JsonNode> jsonLines(Path log, String needle) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      if (line.startsWith("{") && line.contains(needle)) {
        lines.add(SystemHarness.JSON.readTree(line));
      }
    }
    return lines;
  }

  private static long letters(SystemHarness system, String upload) {
    return system.count(
        "SELECT count(*) FROM dead_letters WHERE job = 'emails' AND event_key = ?", upload);
  }

  private static String text(SystemHarness system, String sql, long arg) {
    return system.jdbi.withHandle(
        h -> h.createQuery(sql).bind(0, arg).mapTo(String.class).findOne().orElse(null));
  }

  private static String hex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    random[0] |= 1; // never all zeros, which W3C Trace Context calls invalid
    return HexFormat.of().formatHex(random);
  }
}
