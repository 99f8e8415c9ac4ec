package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An upload and its event commit together or not at all. A trigger in the real database makes one
 * of the two inserts fail; the other must not survive.
 */
class AtomicityTest {
  private static TestApi api;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    api = TestApi.start(false);
    key = api.newApiKey();
    api.jdbi.useHandle(
        h ->
            h.execute(
                """
                CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'refused by test trigger'; END $$
                """));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @AfterEach
  void dropTriggers() {
    api.jdbi.useHandle(
        h -> {
          h.execute("DROP TRIGGER IF EXISTS refuse_outbox ON outbox");
          h.execute("DROP TRIGGER IF EXISTS refuse_upload ON uploads");
        });
  }

  @Test
  void failedOutboxInsertLeavesNoUpload() throws Exception {
    api.jdbi.useHandle(
        h ->
            h.execute(
                "CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse()"));
    HttpResponse<String> response = api.postImage(key, Images.jpeg());
    UploadApiTest.assertProblem(response, 500);
    assertEquals(0, count("uploads"));
    assertEquals(0, count("outbox"));
  }

  @Test
  void failedUploadInsertLeavesNoEvent() throws Exception {
    api.jdbi.useHandle(
        h ->
            h.execute(
                "CREATE TRIGGER refuse_upload BEFORE INSERT ON uploads FOR EACH ROW EXECUTE FUNCTION refuse()"));
    HttpResponse<String> response = api.postImage(key, Images.jpeg());
    UploadApiTest.assertProblem(response, 500);
    assertEquals(0, count("uploads"));
    assertEquals(0, count("outbox"));
  }

  @Test
  void bothCommitTogetherOtherwise() throws Exception {
    long before = count("outbox");
    assertEquals(202, api.postImage(key, Images.jpeg()).statusCode());
    assertEquals(before + 1, count("outbox"));
    assertEquals(count("uploads"), count("outbox"));
  }

  private static long count(String table) {
    return api.jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
  }
}
