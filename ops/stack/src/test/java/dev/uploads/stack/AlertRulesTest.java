package dev.uploads.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The alert rules of {@code ops/alerts}, as CI and Prometheus see them: {@code ops/check-alerts}
 * checks every rules file and runs every promtool test file (it fetches promtool when it is
 * missing, so this never skips); every rule has a test where it fires and one where it must not,
 * and no expected alert carries an instance, so each fires once per condition however many
 * processes serve the metric; Prometheus loads the rules files and none of the tests.
 */
class AlertRulesTest {
  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static final Path ALERTS = ROOT.resolve("ops/alerts");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void checkAlertsChecksEveryRulesFileAndPassesEveryTestFile() throws Exception {
    Path log = Files.createTempFile("check-alerts", ".log");
    Process process =
        new ProcessBuilder("bash", "ops/check-alerts")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    // Bounded: the first run downloads Debian's prometheus package.
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      process.waitFor();
      fail("ops/check-alerts did not finish within 10 minutes:\n" + Files.readString(log));
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    assertEquals(0, process.exitValue(), "ops/check-alerts failed:\n" + output);
    for (Path rules : files(".rules.yml")) {
      assertTrue(
          output.contains("Checking ops/alerts/" + rules.getFileName() + "\n  SUCCESS"),
          rules.getFileName() + " is checked:\n" + output);
    }
    for (Path tests : files(".test.yml")) {
      assertTrue(
          output.contains("Unit Testing:  ops/alerts/" + tests.getFileName() + "\n  SUCCESS"),
          tests.getFileName() + " passes:\n" + output);
    }
  }

  @Test
  void everyAlertFiresOnceInATestAndStaysQuietInAnother() throws IOException {
    Set<String> alerts = new TreeSet<>();
    for (Path rules : files(".rules.yml")) {
      for (JsonNode group : YAML.readTree(rules.toFile()).get("groups")) {
        for (JsonNode rule : group.get("rules")) {
          alerts.add(rule.get("alert").asText());
        }
      }
    }
    Set<String> tested = new TreeSet<>();
    Set<String> fires = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (Path file : files(".test.yml")) {
      JsonNode tests = YAML.readTree(file.toFile());
      tests.get("rule_files").forEach(r -> tested.add(r.asText()));
      for (JsonNode test : tests.get("tests")) {
        for (JsonNode check : test.get("alert_rule_test")) {
          String alert = check.get("alertname").asText();
          JsonNode expected = check.get("exp_alerts");
          (expected.isEmpty() ? quiet : fires).add(alert);
          assertTrue(expected.size() <= 1, alert + " fires once in " + file.getFileName());
          for (JsonNode one : expected) {
            assertFalse(
                one.get("exp_labels").has("instance"),
                alert + " is aggregated over the processes in " + file.getFileName());
          }
        }
      }
    }
    Set<String> rulesFiles = new TreeSet<>();
    files(".rules.yml").forEach(p -> rulesFiles.add(p.getFileName().toString()));
    assertEquals(rulesFiles, tested, "every rules file has a test file");
    assertEquals(alerts, fires, "every alert has a test where it fires");
    assertEquals(alerts, quiet, "every alert has a test where it must not fire");
  }

  @Test
  void prometheusLoadsTheRulesFilesAndNoTestFile() throws IOException {
    Pattern ruleFiles = Pattern.compile("rule_files: \\[(\\S+)]");
    // The compose stack mounts ops/alerts at /etc/uploads/rules; the image copies the rules files
    // to /etc/prometheus/rules.
    for (Path config :
        List.of(
            ROOT.resolve("ops/compose/prometheus.yml"),
            ROOT.resolve("ops/images/prometheus/prometheus-start"))) {
      Matcher m = ruleFiles.matcher(Files.readString(config));
      assertTrue(m.find(), config + " names its rule files");
      String glob = Path.of(m.group(1)).getFileName().toString();
      var matcher = ALERTS.getFileSystem().getPathMatcher("glob:" + glob);
      Set<String> loaded = new TreeSet<>();
      Set<String> expected = new TreeSet<>();
      try (Stream<Path> all = Files.list(ALERTS)) {
        all.forEach(
            p -> {
              if (matcher.matches(p.getFileName())) {
                loaded.add(p.getFileName().toString());
              }
            });
      }
      files(".rules.yml").forEach(p -> expected.add(p.getFileName().toString()));
      assertEquals(expected, loaded, config + " loads " + glob);
    }
    assertTrue(
        Files.readString(ROOT.resolve("ops/images/prometheus/Dockerfile"))
            .contains("COPY ops/alerts/*.rules.yml /etc/prometheus/rules/"),
        "the image holds every rules file");
  }

  private static List<Path> files(String suffix) throws IOException {
    try (Stream<Path> all = Files.list(ALERTS)) {
      List<Path> found =
          all.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
      assertFalse(found.isEmpty(), "ops/alerts has *" + suffix);
      return found;
    }
  }
}
