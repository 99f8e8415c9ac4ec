package dev.uploads.bench.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table people read and the JSON later runs are compared with. A phase that failed or ran out
 * of time gets a row saying so, never a number: only measured figures are printed.
 */
final class Results {
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Map<String, Object> json = new LinkedHashMap<>();

  /** figure, value, and a remark (target and whether met, checks, conditions). */
  void row(String figure, String value, String remark) {
    rows.add(new String[] {figure, value, remark});
  }

  void note(String line) {
    notes.add(line);
  }

  void data(String key, Object value) {
    json.put(key, value);
  }

  String table() {
    int w0 = "figure".length();
    int w1 = "value".length();
    for (String[] row : rows) {
      w0 = Math.max(w0, row[0].length());
      w1 = Math.max(w1, row[1].length());
    }
    String format = "%-" + w0 + "s  %" + w1 + "s  %s%n";
    StringBuilder out = new StringBuilder();
    out.append(String.format(format, "figure", "value", "remark"));
    out.append("-".repeat(w0 + w1 + 40)).append('\n');
    for (String[] row : rows) {
      out.append(String.format(format, (Object[]) row));
    }
    if (!notes.isEmpty()) {
      out.append('\n');
      notes.forEach(n -> out.append("note: ").append(n).append('\n'));
    }
    return out.toString();
  }

  /** Writes {@code <dir>/<name>-<stamp>.json}. */
  Path write(Path dir, String name, String stamp) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name + "-" + stamp + ".json");
    Map<String, Object> all = new LinkedHashMap<>(json);
    List<Map<String, String>> table = new ArrayList<>();
    for (String[] row : rows) {
      Map<String, String> r = new LinkedHashMap<>();
      r.put("figure", row[0]);
      r.put("value", row[1]);
      r.put("remark", row[2]);
      table.add(r);
    }
    all.put("table", table);
    all.put("notes", notes);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), all);
    return file;
  }

  static String rate(double perSecond) {
    return String.format("%,.0f/s", perSecond);
  }

  static String millis(double ms) {
    return String.format("%,.1f ms", ms);
  }
}
