package dev.uploads.stack.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.ops.deadletters.Cli;
import dev.uploads.ops.deadletters.Operators;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An operator at work: the ops/dead-letters command line and the admin HTTP endpoints. */
final class Operator {
  /** What one run of the command line printed, and its exit code. */
  record Run(int exit, String out, String err) {
    JsonNode json() {
      try {
        return SystemHarness.JSON.readTree(out);
      } catch (Exception e) {
        throw new AssertionError("not JSON (exit " + exit + ", stderr " + err + "): " + out, e);
      }
    }
  }

  /** An HTTP answer: status and body. */
  record Answer(int status, JsonNode body, HttpResponse<byte[]> response) {}

  final SystemHarness system;
  final String name;
  final String key;

  Operator(SystemHarness system, String name) {
    this.system = system;
    this.name = name;
    this.key = new Operators(system.jdbi).add(name);
  }

  List<String> databaseArgs() {
    return List.of(
        "--database-url", system.jdbcUrl, "--database-user", "postgres", "--operator", name);
  }

  Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(databaseArgs());
    all.addAll(List.of(args));
    int exit =
        new Cli(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(all.toArray(String[]::new), Map.of());
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Answer get(String path) throws Exception {
    return get(path, key);
  }

  Answer get(String path, String bearer) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(system.apiAdmin("/dead-letters" + path)));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return answer(system.send(request.build()));
  }

  Answer post(String path, Object body) throws Exception {
    return post(path, body, key);
  }

  Answer post(String path, Object body, String bearer) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(system.apiAdmin("/dead-letters" + path)))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    body instanceof String text
                        ? text
                        : SystemHarness.JSON.writeValueAsString(body)));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return answer(system.send(request.build()));
  }

  private static Answer answer(HttpResponse<byte[]> response) throws Exception {
    JsonNode body =
        response.body().length == 0 ? null : SystemHarness.JSON.readTree(response.body());
    return new Answer(response.statusCode(), body, response);
  }
}
