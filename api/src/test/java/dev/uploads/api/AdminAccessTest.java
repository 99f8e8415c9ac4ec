package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.api.relay.RelayCommand;
import dev.uploads.infra.SharedInfra;
import dev.uploads.ops.deadletters.Operators;
import io.dropwizard.testing.DropwizardTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The admin port's rule as an operator and an intruder meet it, on the API's {@code server} and on
 * a {@code relay} process: health, ping and metrics answer anyone; a task such as {@code POST
 * /tasks/log-level}, and everything else there, needs an operator key.
 */
class AdminAccessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> OPEN =
      List.of("/healthcheck", "/healthcheck?pretty=true", "/ping", "/metrics", "/prometheus");
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theServersAdminPortOpensTasksOnlyToOperators() throws Exception {
    try (TestApi api = TestApi.start(false)) {
      guarded(api::adminUri, api.jdbi, api.newApiKey());
      String operator = new Operators(api.jdbi).add("dead-letter-reader");
      assertEquals(200, send(get(api.adminUri("/dead-letters/summary")), operator).statusCode());
      // The console's files hold no data and load without a key; its calls need one.
      HttpResponse<String> console = send(get(api.adminUri("/console/")), null);
      assertEquals(200, console.statusCode(), console.body());
      assertTrue(console.body().contains("console.js"), console.body());
      assertEquals(200, send(get(api.adminUri("/console/console.js")), null).statusCode());
      refused(send(get(api.adminUri("/dead-letters/overview")), null), "the overview, no key");
      JsonNode me = JSON.readTree(send(get(api.adminUri("/dead-letters/me")), operator).body());
      assertEquals("operator", me.get("role").asText());
    }
  }

  @Test
  void theRelaysAdminPortOpensTasksOnlyToOperators() throws Exception {
    String jdbcUrl = SharedInfra.get().newDatabase();
    Path config = TestApi.configure(jdbcUrl, true, "1MiB");
    DropwizardTestSupport<ApiConfiguration> relay =
        new DropwizardTestSupport<>(
            ApiApplication.class, config.toString(), null, RelayCommand::new);
    relay.before();
    try {
      Jdbi jdbi = TestApi.jdbi(jdbcUrl);
      String clientKey = dev.uploads.api.auth.Accounts.create(jdbi, "c@example.test").apiKey();
      guarded(path -> adminUri(relay, path), jdbi, clientKey);
    } finally {
      relay.after();
    }
  }

  @Test
  void theOpenPathsAreConfigured() throws Exception {
    String jdbcUrl = SharedInfra.get().newDatabase();
    Path config = TestApi.configure(jdbcUrl, false, "1MiB");
    Files.writeString(config, "adminAccess: {openPaths: [/ping]}\n", StandardOpenOption.APPEND);
    DropwizardTestSupport<ApiConfiguration> app =
        new DropwizardTestSupport<>(ApiApplication.class, config.toString());
    app.before();
    try {
      String operator = new Operators(TestApi.jdbi(jdbcUrl)).add("configured");
      assertEquals(200, send(get(adminUri(app, "/ping")), null).statusCode());
      for (String path : List.of("/metrics", "/healthcheck", "/prometheus")) {
        refused(send(get(adminUri(app, path)), null), path + " is no longer open");
        assertEquals(200, send(get(adminUri(app, path)), operator).statusCode(), path);
      }
    } finally {
      app.after();
    }

    Path relative = TestApi.configure(SharedInfra.get().newDatabase(), false, "1MiB");
    Files.writeString(relative, "adminAccess: {openPaths: [ping]}\n", StandardOpenOption.APPEND);
    DropwizardTestSupport<ApiConfiguration> invalid =
        new DropwizardTestSupport<>(ApiApplication.class, relative.toString());
    Exception e = assertThrows(Exception.class, invalid::before);
    assertTrue(
        String.valueOf(e.getMessage()).contains("adminAccess.openPaths"),
        "start-up names the bad setting: " + e.getMessage());
  }

  /**
   * Every refusal (no key, a client's key, a forged, revoked or non-Bearer one) is a 401 problem
   * and leaves the log level as it was; an operator key runs the task; the open paths need none.
   */
  private void guarded(Function<String, URI> admin, Jdbi jdbi, String clientKey) throws Exception {
    Operators operators = new Operators(jdbi);
    String operator = operators.add("admin-" + UUID.randomUUID().toString().substring(0, 8));
    String leaver = "leaver-" + UUID.randomUUID().toString().substring(0, 8);
    String revoked = operators.add(leaver);
    operators.revoke(leaver);
    String logger = "dev.uploads.probe." + UUID.randomUUID().toString().replace("-", "");
    URI task = admin.apply("/tasks/log-level?logger=" + logger + "&level=DEBUG");
    try {
      List<String> wrong = new ArrayList<>();
      wrong.add(null);
      wrong.add(clientKey);
      wrong.add("opk_" + "A".repeat(43));
      wrong.add(revoked);
      for (String key : wrong) {
        refused(send(post(task), key), "log-level with " + describe(key, clientKey));
        assertNull(level(logger), "a refused task changed nothing");
      }
      HttpResponse<String> basic =
          http.send(
              HttpRequest.newBuilder(task)
                  .header("Authorization", "Basic " + operator)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      refused(basic, "an operator key sent as Basic credentials");
      assertNull(level(logger));
      for (String path :
          List.of("/", "/threads", "/pprof", "/tasks/gc", "/dead-letters", "/pingx")) {
        refused(send(get(admin.apply(path)), null), path + " without a key");
      }

      String viewer =
          operators.add(
              "viewer-" + UUID.randomUUID().toString().substring(0, 8), Operators.Role.VIEWER);
      HttpResponse<String> looked = send(get(admin.apply("/threads")), viewer);
      assertEquals(200, looked.statusCode(), "a viewer may look: " + looked.body());
      HttpResponse<String> acted = send(post(task), viewer);
      assertEquals(403, acted.statusCode(), "a viewer may not run tasks: " + acted.body());
      assertEquals(
          "application/problem+json", acted.headers().firstValue("Content-Type").orElse(""));
      assertTrue(JSON.readTree(acted.body()).get("detail").asText().contains("viewer"));
      assertNull(level(logger), "the viewer's task changed nothing");

      HttpResponse<String> ran = send(post(task), operator);
      assertEquals(200, ran.statusCode(), ran.body());
      assertEquals(Level.DEBUG, level(logger), "the operator's task ran");
      assertEquals(200, send(get(admin.apply("/threads")), operator).statusCode());

      for (String path : OPEN) {
        HttpResponse<String> open = send(get(admin.apply(path)), null);
        assertEquals(200, open.statusCode(), path + " answers anyone: " + open.body());
      }
    } finally {
      ((Logger) LoggerFactory.getLogger(logger)).setLevel(null);
    }
  }

  private static String describe(String key, String clientKey) {
    if (key == null) {
      return "no key";
    }
    return key.equals(clientKey) ? "a client API key" : "key " + key.substring(0, 8) + "…";
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
    assertEquals("about:blank", problem.get("type").asText(), what);
    assertFalse(problem.get("detail").asText().isBlank(), what);
    assertFalse(body.contains("Exception"), what + " shows no stack trace");
  }

  private static Level level(String logger) {
    return ((Logger) LoggerFactory.getLogger(logger)).getLevel();
  }

  private static URI adminUri(DropwizardTestSupport<?> app, String path) {
    return URI.create("http://127.0.0.1:" + app.getAdminPort() + path);
  }

  private static HttpRequest.Builder get(URI uri) {
    return HttpRequest.newBuilder(uri).GET();
  }

  private static HttpRequest.Builder post(URI uri) {
    return HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody());
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String key) throws Exception {
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
