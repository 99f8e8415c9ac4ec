package dev.uploads.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.infra.SharedInfra;
import dev.uploads.ops.deadletters.Operators;
import io.dropwizard.testing.DropwizardTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The worker's admin port (under {@code /admin}) as an operator and an intruder meet it: health,
 * ping and metrics answer anyone; a task such as {@code POST /admin/tasks/log-level}, and
 * everything else there, needs an operator key. A client's API key is no operator key.
 */
class AdminAccessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static DropwizardTestSupport<WorkerConfiguration> worker;
  private static Jdbi jdbi;

  @BeforeAll
  static void start() throws Exception {
    String jdbcUrl = SharedInfra.get().newDatabase();
    Path dir = Files.createTempDirectory("worker-admin");
    Path config = dir.resolve("worker.yml");
    Files.writeString(
        config,
        """
        server:
          type: simple
          applicationContextPath: /app
          adminContextPath: /admin
          connector: {type: http, port: 0, bindHost: 127.0.0.1}
          requestLog: {appenders: []}
        database: {driverClass: org.postgresql.Driver, url: %s, user: postgres, password: ""}
        kafka: {bootstrapServers: "%s"}
        blobRoot: %s
        jobs:
          thumbnails: {enabled: false}
          emails: {enabled: false}
          stats: {enabled: false}
        logging: {level: WARN}
        """
            .formatted(
                jdbcUrl, SharedInfra.get().kafka().bootstrapServers(), dir.resolve("blobs")));
    new WorkerApplication().run("db", "migrate", config.toString());
    jdbi = Jdbi.create(jdbcUrl, "postgres", "");
    worker = new DropwizardTestSupport<>(WorkerApplication.class, config.toString());
    worker.before();
  }

  @AfterAll
  static void stop() {
    if (worker != null) {
      worker.after();
    }
  }

  @Test
  void aTaskRunsOnlyForAnOperatorAndARefusalChangesNothing() throws Exception {
    Operators operators = new Operators(jdbi);
    String operator = operators.add("worker-admin");
    String logger = "dev.uploads.probe." + UUID.randomUUID().toString().replace("-", "");
    URI task = admin("/tasks/log-level?logger=" + logger + "&level=DEBUG");
    try {
      for (String key : Arrays.asList(null, clientKey(), "opk_" + "B".repeat(43), "")) {
        refused(
            send(post(task), key), "log-level with " + (key == null ? "no key" : "a wrong key"));
        assertNull(level(logger), "a refused task changed nothing");
      }
      for (String path : List.of("/", "/threads", "/tasks/gc", "/dead-letters", "/metricsx")) {
        refused(send(get(admin(path)), null), "/admin" + path + " without a key");
      }

      HttpResponse<String> ran = send(post(task), operator);
      assertEquals(200, ran.statusCode(), ran.body());
      assertEquals(Level.DEBUG, level(logger), "the operator's task ran");
      assertEquals(200, send(get(admin("/threads")), operator).statusCode());
    } finally {
      ((Logger) LoggerFactory.getLogger(logger)).setLevel(null);
    }
  }

  @Test
  void healthPingAndMetricsAnswerAnyone() throws Exception {
    for (String path :
        List.of("/healthcheck", "/healthcheck?pretty=true", "/ping", "/metrics", "/prometheus")) {
      HttpResponse<String> open = send(get(admin(path)), null);
      assertEquals(200, open.statusCode(), "/admin" + path + " answers anyone");
    }
  }

  @Test
  void keysThatCannotBeCheckedGetA503ProblemNotAStackTrace() throws Exception {
    String operator = new Operators(jdbi).add("worker-admin-outage");
    jdbi.useHandle(h -> h.execute("ALTER TABLE operators RENAME TO operators_away"));
    try {
      HttpResponse<String> answer = send(get(admin("/threads")), operator);
      assertEquals(503, answer.statusCode(), answer.body());
      assertEquals(
          "application/problem+json", answer.headers().firstValue("Content-Type").orElse(""));
      assertEquals("5", answer.headers().firstValue("Retry-After").orElse(""));
      JsonNode problem = JSON.readTree(answer.body());
      assertEquals(503, problem.get("status").asInt());
      assertFalse(answer.body().contains("Exception"), answer.body());
      assertFalse(answer.body().contains("operators_away"), "no SQL detail leaks");
      assertEquals(200, send(get(admin("/ping")), null).statusCode(), "open paths stay open");
    } finally {
      jdbi.useHandle(h -> h.execute("ALTER TABLE operators_away RENAME TO operators"));
    }
    assertEquals(200, send(get(admin("/threads")), operator).statusCode(), "and it recovers");
  }

  /**
   * A client's API key as the API issues and stores it (the worker cannot call the API's code):
   * valid for uploads, in the api_keys table, never in operators.
   */
  private static String clientKey() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String key = "upk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    UUID account = UUID.randomUUID();
    jdbi.useTransaction(
        h -> {
          h.execute("INSERT INTO accounts (id, email) VALUES (?, 'c@example.test')", account);
          h.execute(
              "INSERT INTO api_keys (key_hash, account_id, prefix) VALUES (?, ?, ?)",
              hash,
              account,
              key.substring(0, 10));
        });
    return key;
  }

  private static void refused(HttpResponse<String> response, String what) throws Exception {
    String body = response.body();
    String shown = body.length() > 300 ? body.substring(0, 300) + "…" : body;
    assertEquals(401, response.statusCode(), what + ": " + shown);
    assertEquals(
        "application/problem+json", response.headers().firstValue("Content-Type").orElse(""), what);
    assertEquals(
        "Bearer realm=\"operators\"",
        response.headers().firstValue("WWW-Authenticate").orElse(""),
        what);
    JsonNode problem = JSON.readTree(body);
    assertEquals(401, problem.get("status").asInt(), what);
    assertEquals("operator credentials required", problem.get("title").asText(), what);
    assertFalse(problem.get("detail").asText().isBlank(), what);
    assertFalse(body.contains("Exception"), what + " shows no stack trace");
  }

  private static Level level(String logger) {
    return ((Logger) LoggerFactory.getLogger(logger)).getLevel();
  }

  private static URI admin(String path) {
    return URI.create("http://127.0.0.1:" + worker.getAdminPort() + "/admin" + path);
  }

  private static HttpRequest.Builder get(URI uri) {
    return HttpRequest.newBuilder(uri).GET();
  }

  private static HttpRequest.Builder post(URI uri) {
    return HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request, String key)
      throws Exception {
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
