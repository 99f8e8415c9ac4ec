package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.Topics;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UploadApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestApi api;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    api = TestApi.start(true);
    key = api.newApiKey();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void acceptedUploadIsReadableAndItsEventReachesKafka() throws Exception {
    byte[] image = Images.jpeg();
    HttpResponse<String> posted = api.postImage(key, image);
    assertEquals(202, posted.statusCode(), posted.body());
    String location = posted.headers().firstValue("Location").orElseThrow();
    JsonNode body = JSON.readTree(posted.body());
    String id = body.get("id").asText();
    assertEquals("/v1/uploads/" + id, location);

    JsonNode upload = JSON.readTree(api.get(location, key).body());
    assertEquals("received", upload.get("status").asText());
    assertEquals("photo.jpg", upload.get("filename").asText());
    assertEquals("image/jpeg", upload.get("content_type").asText());
    assertEquals(image.length, upload.get("size_bytes").asLong());
    assertTrue(upload.get("thumbnails").isEmpty());
    assertNotNull(upload.get("created_at").asText());

    try (TopicReader reader = new TopicReader(Topics.UPLOADS)) {
      var records =
          reader.readUntil(
              rs -> rs.stream().anyMatch(r -> TopicReader.key(r).equals(id)),
              Duration.ofSeconds(30));
      var record =
          records.stream().filter(r -> TopicReader.key(r).equals(id)).findFirst().orElseThrow();
      assertEquals("upload.received", TopicReader.header(record, EventHeaders.EVENT_TYPE));
      assertEquals("1", TopicReader.header(record, EventHeaders.EVENT_VERSION));
      assertNotNull(java.util.UUID.fromString(TopicReader.header(record, EventHeaders.EVENT_ID)));
      assertTrue(
          TopicReader.header(record, EventHeaders.TRACEPARENT)
              .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"));
      JsonNode payload = JSON.readTree(new String(record.value(), StandardCharsets.UTF_8));
      assertEquals(id, payload.get("upload_id").asText());
      assertEquals(image.length, payload.get("size_bytes").asLong());
    }
  }

  @Test
  void rawImageBodyIsAcceptedAndTypedByItsBytes() throws Exception {
    HttpResponse<String> posted =
        api.send(
            HttpRequest.newBuilder(api.uri("/v1/uploads"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "image/jpeg") // declared wrongly: the bytes are PNG
                .header("Content-Disposition", "attachment; filename=\"chart.png\"")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Images.png()))
                .build());
    assertEquals(202, posted.statusCode(), posted.body());
    JsonNode upload = JSON.readTree(posted.body());
    assertEquals("image/png", upload.get("content_type").asText());
    assertEquals("chart.png", upload.get("filename").asText());
  }

  @Test
  void missingAndWrongKeysAreRefused() throws Exception {
    HttpResponse<String> none =
        api.send(
            Multipart.request(
                api.uri("/v1/uploads"), null, null, "a.jpg", "image/jpeg", Images.jpeg()));
    assertProblem(none, 401);
    assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertProblem(api.postImage("upk_not-a-real-key", Images.jpeg()), 401);
    assertProblem(api.get("/v1/uploads", "upk_not-a-real-key"), 401);
  }

  @Test
  void anotherAccountsUploadLooksMissing() throws Exception {
    String id = JSON.readTree(api.postImage(key, Images.jpeg()).body()).get("id").asText();
    String otherKey = api.newApiKey();
    assertProblem(api.get("/v1/uploads/" + id, otherKey), 404);
    assertProblem(api.get("/v1/uploads/" + java.util.UUID.randomUUID(), key), 404);
    assertProblem(api.get("/v1/uploads/not-a-uuid", key), 404);
  }

  @Test
  void textDeclaredAsJpegIsUnsupported() throws Exception {
    byte[] text = "just some text, not an image at all".getBytes(StandardCharsets.UTF_8);
    assertProblem(
        api.send(
            Multipart.request(api.uri("/v1/uploads"), key, null, "fake.jpg", "image/jpeg", text)),
        415);
    assertEquals(0, countRows("uploads WHERE filename = 'fake.jpg'"));
  }

  @Test
  void emptyFileIsMalformed() throws Exception {
    assertProblem(
        api.send(
            Multipart.request(
                api.uri("/v1/uploads"), key, null, "empty.jpg", "image/jpeg", new byte[0])),
        400);
  }

  @Test
  void malformedMultipartIsRefused() throws Exception {
    byte[] body = Multipart.body("cut.jpg", "image/jpeg", Images.jpeg());
    byte[] truncated = java.util.Arrays.copyOf(body, body.length - 30); // closing boundary lost
    HttpResponse<String> response =
        api.send(
            HttpRequest.newBuilder(api.uri("/v1/uploads"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + Multipart.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(truncated))
                .build());
    assertProblem(response, 400);
    HttpResponse<String> noBoundary =
        api.send(
            HttpRequest.newBuilder(api.uri("/v1/uploads"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    assertProblem(noBoundary, 400);
    assertEquals(0, countRows("uploads WHERE filename = 'cut.jpg'"));
  }

  @Test
  void sameIdempotencyKeyAndBytesGiveTheSameUploadAndOneEvent() throws Exception {
    byte[] image = Images.jpeg();
    HttpResponse<String> first =
        api.send(
            Multipart.request(
                api.uri("/v1/uploads"), key, "retry-1", "a.jpg", "image/jpeg", image));
    HttpResponse<String> second =
        api.send(
            Multipart.request(
                api.uri("/v1/uploads"), key, "retry-1", "a.jpg", "image/jpeg", image));
    assertEquals(202, first.statusCode(), first.body());
    assertEquals(202, second.statusCode(), second.body());
    String id = JSON.readTree(first.body()).get("id").asText();
    assertEquals(id, JSON.readTree(second.body()).get("id").asText());
    assertEquals("true", second.headers().firstValue("Idempotent-Replayed").orElseThrow());
    assertEquals(1, countRows("uploads WHERE id = '" + id + "'"));
    try (TopicReader reader = new TopicReader(Topics.UPLOADS)) {
      // Let the relay catch up, then count: exactly one event for the upload.
      var records = reader.readUntil(rs -> false, Duration.ofSeconds(3));
      assertEquals(1, records.stream().filter(r -> TopicReader.key(r).equals(id)).count());
    }
  }

  @Test
  void sameIdempotencyKeyWithOtherBytesIsUnprocessable() throws Exception {
    assertEquals(
        202,
        api.send(
                Multipart.request(
                    api.uri("/v1/uploads"), key, "retry-2", "a.jpg", "image/jpeg", Images.jpeg()))
            .statusCode());
    HttpResponse<String> other =
        api.send(
            Multipart.request(
                api.uri("/v1/uploads"), key, "retry-2", "a.jpg", "image/jpeg", Images.jpeg()));
    assertProblem(other, 422);
    assertEquals(1, countRows("idempotency_keys WHERE key = 'retry-2'"));
  }

  @Test
  void listingPagesThroughEveryUploadOnce() throws Exception {
    String lister = api.newApiKey();
    Set<String> posted = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      posted.add(JSON.readTree(api.postImage(lister, Images.jpeg()).body()).get("id").asText());
    }
    Set<String> listed = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page =
          JSON.readTree(
              api.get("/v1/uploads?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), lister)
                  .body());
      page.get("items").forEach(item -> assertTrue(listed.add(item.get("id").asText())));
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      pages++;
    } while (cursor != null && pages < 10);
    assertEquals(3, pages);
    assertEquals(posted, listed);
    assertProblem(api.get("/v1/uploads?limit=0", lister), 400);
    assertProblem(api.get("/v1/uploads?cursor=AAAA", lister), 400);
  }

  static void assertProblem(HttpResponse<String> response, int status) throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        "application/problem+json",
        response.headers().firstValue("Content-Type").orElseThrow().split(";")[0]);
    JsonNode problem = JSON.readTree(response.body());
    assertEquals(status, problem.get("status").asInt());
    assertNotNull(problem.get("title"));
    assertNull(problem.get("stackTrace"));
    assertNotEquals(-1, response.body().indexOf("\"detail\""));
    assertEquals(-1, response.body().indexOf("\tat "));
  }

  private static long countRows(String fromWhere) {
    return api.jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM " + fromWhere).mapTo(Long.class).one());
  }
}
