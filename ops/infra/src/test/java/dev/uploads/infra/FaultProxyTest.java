package dev.uploads.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fault proxy steered over HTTP, in front of the real PostgreSQL: a COMMIT whose reply is cut
 * is applied, and its caller sees a failure.
 */
class FaultProxyTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void aCommitWhoseReplyIsLostIsAppliedAndItsCallerSeesAFailure() throws Exception {
    String direct = SharedInfra.get().newDatabase();
    Matcher target = Pattern.compile("//([^:/]+):(\\d+)/").matcher(direct);
    assertTrue(target.find(), direct);
    try (FaultProxy proxy =
        FaultProxy.start(
            InetAddress.getLoopbackAddress(),
            0,
            target.group(1),
            Integer.parseInt(target.group(2)),
            0)) {
      String control = "http://127.0.0.1:" + proxy.controlPort();
      String proxied = direct.replace(target.group(0), "//127.0.0.1:" + proxy.port() + "/");
      try (Connection sql = DriverManager.getConnection(direct, "postgres", "");
          Statement statement = sql.createStatement()) {
        statement.execute("CREATE TABLE written (n int)");
      }

      assertEquals(400, post(control + "/lose-next-reply", "").statusCode());
      assertEquals(405, get(control + "/lose-next-reply").statusCode());
      assertEquals(202, post(control + "/lose-next-reply", "COMMIT\0").statusCode());
      try (Connection sql = DriverManager.getConnection(proxied, "postgres", "")) {
        sql.setAutoCommit(false);
        try (Statement statement = sql.createStatement()) {
          statement.execute("INSERT INTO written VALUES (1)");
        }
        assertThrows(SQLException.class, sql::commit, "the caller sees the commit fail");
      }

      try (Connection sql = DriverManager.getConnection(direct, "postgres", "");
          Statement statement = sql.createStatement();
          var rows = statement.executeQuery("SELECT count(*) FROM written")) {
        rows.next();
        assertEquals(1, rows.getInt(1), "the write was applied");
      }
      String counts = get(control + "/").body();
      assertTrue(counts.contains("\"lostReplies\":1"), counts);

      // Disarmed after one: the next transaction through the proxy commits normally.
      try (Connection sql = DriverManager.getConnection(proxied, "postgres", "")) {
        sql.setAutoCommit(false);
        try (Statement statement = sql.createStatement()) {
          statement.execute("INSERT INTO written VALUES (2)");
        }
        sql.commit();
      }
      assertTrue(get(control + "/").body().contains("\"lostReplies\":1"));
    }
  }

  private static HttpResponse<String> post(String url, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    body, java.nio.charset.StandardCharsets.ISO_8859_1))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
