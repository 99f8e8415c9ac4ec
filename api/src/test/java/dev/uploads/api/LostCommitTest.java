package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.infra.FlakyTcpProxy;
import dev.uploads.infra.SharedInfra;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The write applies but its caller sees a failure: the upload's transaction commits in PostgreSQL
 * and the connection is cut before the API hears so. The client gets a 503, retries with its
 * Idempotency-Key, and gets the upload that did commit: one upload, one event.
 */
class LostCommitTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static FlakyTcpProxy proxy;
  private static TestApi api;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    String jdbcUrl = SharedInfra.get().newDatabase();
    proxy = FlakyTcpProxy.start("127.0.0.1", SharedInfra.get().postgres().port());
    // Without a relay the upload's transaction is the only one that commits through the proxy.
    api = TestApi.startBehind(proxy, jdbcUrl);
    key = api.newApiKey();
  }

  @AfterAll
  static void stop() {
    api.close();
    proxy.close();
  }

  @Test
  void aRetryWithTheIdempotencyKeyFindsTheUploadWhoseCommitReplyWasLost() throws Exception {
    byte[] image = Images.jpeg();
    proxy.loseNextReplyContaining("COMMIT\0");
    HttpResponse<String> lost =
        api.send(
            Multipart.request(
                api.uri("/v1/uploads"), key, "lost-commit-1", "photo.jpg", "image/jpeg", image));
    assertEquals(1, proxy.lostReplies(), "the commit's reply was cut off");
    UploadApiTest.assertProblem(lost, 503);
    assertEquals(1, rows("uploads"), "the upload committed although its caller saw a failure");

    HttpResponse<String> retried =
        api.send(
            Multipart.request(
                api.uri("/v1/uploads"), key, "lost-commit-1", "photo.jpg", "image/jpeg", image));
    assertEquals(202, retried.statusCode(), retried.body());
    assertEquals("true", retried.headers().firstValue("Idempotent-Replayed").orElse(""));
    String id = JSON.readTree(retried.body()).get("id").asText();
    assertEquals(1, rows("uploads"), "the retry created no second upload");
    assertEquals(1, rows("uploads WHERE id = '" + id + "'"), "the retry names the committed one");
    assertEquals(1, rows("outbox"), "and there is one event");
    System.out.printf(
        "lost commit: 503 to the client, retry replayed upload %s, 1 upload, 1 event%n", id);
  }

  private static long rows(String from) {
    return api.jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM " + from).mapTo(Long.class).one());
  }
}
