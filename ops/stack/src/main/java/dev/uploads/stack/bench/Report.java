package dev.uploads.stack.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table a person reads and the JSON a later run is compared with. Both hold the same figures; a
 * figure that could not be measured says "missing" rather than showing a number.
 */
final class Report {
  /** met: "yes", "NO", "missing" or "" for figures without a target. */
  record Figure(String name, String value, String target, String met) {}

  private final List<Figure> figures = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Map<String, Object> json = new LinkedHashMap<>();

  Report() {
    json.put("benchmark", "ingest-relay");
    json.put("started_at", ZonedDateTime.now(ZoneOffset.UTC).toString());
    json.put("machine", machine());
  }

  void figure(String name, String value, String target, Boolean met) {
    figures.add(new Figure(name, value, target, met == null ? "" : met ? "yes" : "NO"));
  }

  void missing(String name, String target, String why) {
    figures.add(new Figure(name, "missing", target, target.isEmpty() ? "" : "missing"));
    note(name + " missing: " + why);
  }

  void note(String line) {
    notes.add(line);
  }

  /** Raw measurements for the JSON file, under one key per phase. */
  void data(String key, Object value) {
    json.put(key, value);
  }

  static Map<String, Object> machine() {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("memory_bytes", os.getTotalMemorySize());
    m.put("cpu_model", cpuModel());
    m.put(
        "java",
        System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    return m;
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  String table() {
    String[] head = {"figure", "value", "target", "met"};
    int[] width = {head[0].length(), head[1].length(), head[2].length(), head[3].length()};
    for (Figure f : figures) {
      width[0] = Math.max(width[0], f.name().length());
      width[1] = Math.max(width[1], f.value().length());
      width[2] = Math.max(width[2], f.target().length());
      width[3] = Math.max(width[3], f.met().length());
    }
    String format =
        "| %-" + width[0] + "s | %" + width[1] + "s | %-" + width[2] + "s | %-" + width[3]
            + "s |%n";
    StringBuilder out = new StringBuilder();
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) json.get("machine");
    out.append(
        String.format(
            "Machine: %s cores (%s), %.1f GiB memory, Java %s%n%n",
            m.get("cores"),
            m.get("cpu_model"),
            ((Long) m.get("memory_bytes")) / (1024.0 * 1024 * 1024),
            m.get("java")));
    out.append(String.format(format, (Object[]) head));
    out.append(
        String.format(
            format,
            "-".repeat(width[0]),
            "-".repeat(width[1]),
            "-".repeat(width[2]),
            "-".repeat(width[3])));
    for (Figure f : figures) {
      out.append(String.format(format, f.name(), f.value(), f.target(), f.met()));
    }
    out.append(System.lineSeparator());
    for (String note : notes) {
      out.append("  * ").append(note).append(System.lineSeparator());
    }
    return out.toString();
  }

  /** bench-results/ingest-relay-<UTC timestamp>.json under the given directory (the repo root). */
  Path writeJson(Path root, double wallSeconds) throws IOException {
    json.put("wall_seconds_until_report", Math.round(wallSeconds));
    json.put("figures", figures);
    json.put("notes", notes);
    Path dir = Files.createDirectories(root.resolve("bench-results"));
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now(ZoneOffset.UTC));
    Path file = dir.resolve("ingest-relay-" + stamp + ".json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    return file;
  }
}
