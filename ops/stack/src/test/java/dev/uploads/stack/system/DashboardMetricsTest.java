package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every query of the dashboard ({@code ops/grafana/uploads.json}) and every alert rule ({@code
 * ops/alerts/*.rules.yml}, expressions and the queries in their annotations) names metrics, labels
 * and label values that the running API and worker serve to Prometheus, after some traffic: an
 * upload made ready, one that failed on its image, reads, a 404 and a 401.
 */
class DashboardMetricsTest {
  private static final Path OPS = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern TEMPLATE_QUERY = Pattern.compile("query \"((?:[^\"\\\\]|\\\\.)*)\"");

  @Test
  void everyQueryOfTheDashboardAndTheAlertsNamesWhatTheServicesExport() throws Exception {
    SystemHarness system = SystemHarness.get();
    traffic(system);
    // What one Prometheus scraping both stores.
    Map<String, List<Map<String, String>>> scrape =
        Scrape.parse(
            get(system, system.apiAdmin("/prometheus"))
                + "\n"
                + get(system, system.workerAdmin("/prometheus")));
    Map<String, String> queries = new LinkedHashMap<>();
    dashboardQueries(queries);
    ruleQueries(queries);
    List<String> problems = new ArrayList<>();
    queries.forEach(
        (where, query) ->
            PromQl.parse(query).problems(scrape).forEach(p -> problems.add(where + ": " + p)));
    assertEquals(List.of(), problems, "queries that ask for what no service exports");
    assertTrue(queries.size() >= 30, "the queries checked: " + queries.keySet());
  }

  private static void traffic(SystemHarness system) throws Exception {
    Client client = system.newClient("dashboards@example.test");
    byte[] jpeg = Images.jpeg(320, 240);
    String ready = client.upload(jpeg);
    String broken = client.upload(Arrays.copyOf(Images.jpeg(320, 240), 600));
    SystemHarness.await(
        "one upload is ready and the other failed",
        Duration.ofSeconds(60),
        () -> status(client, ready).equals("ready") && status(client, broken).equals("failed"));
    client.json("/v1/uploads?limit=10");
    client.json("/v1/stats");
    assertEquals(200, client.get("/v1/uploads/" + ready + "/thumbnails/128").statusCode());
    assertEquals(404, client.get("/v1/uploads/0190a4e2-0000-7000-8000-000000000000").statusCode());
    var unauthorised =
        system.send(HttpRequest.newBuilder(URI.create(system.apiUrl("/v1/stats"))).build());
    assertEquals(401, unauthorised.statusCode());
  }

  private static String status(Client client, String upload) {
    try {
      return client.status(upload);
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static String get(SystemHarness system, String url) throws Exception {
    var response = system.send(HttpRequest.newBuilder(URI.create(url)).build());
    assertEquals(200, response.statusCode(), url);
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private static void dashboardQueries(Map<String, String> queries) throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(OPS.resolve("grafana/uploads.json").toFile());
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.put(
            "uploads.json, " + panel.get("title").asText() + " " + target.get("refId").asText(),
            target.get("expr").asText());
      }
    }
  }

  private static void ruleQueries(Map<String, String> queries) throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<Path> files;
    try (Stream<Path> all = Files.list(OPS.resolve("alerts"))) {
      files = all.filter(p -> p.toString().endsWith(".rules.yml")).sorted().toList();
    }
    for (Path file : files) {
      for (JsonNode group : yaml.readTree(file.toFile()).get("groups")) {
        for (JsonNode rule : group.get("rules")) {
          String where = file.getFileName() + ", " + rule.get("alert").asText();
          queries.put(where, rule.get("expr").asText());
          int n = 0;
          for (JsonNode annotation : rule.path("annotations")) {
            Matcher m = TEMPLATE_QUERY.matcher(annotation.asText());
            while (m.find()) {
              queries.put(where + " annotation query " + ++n, m.group(1).replace("\\\"", "\""));
            }
          }
        }
      }
    }
  }
}
