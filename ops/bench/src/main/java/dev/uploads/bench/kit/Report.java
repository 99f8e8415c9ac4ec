package dev.uploads.bench.kit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The figures (see {@link Figure}), the machine they were measured on, notes, and each round's raw
 * measurements; printed as a table and written as {@code bench-results/suite-<stamp>.json}.
 */
public final class Report {
  private final List<Figure> figures = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Map<String, Object> header = new LinkedHashMap<>();
  private final Map<String, List<Object>> details = new LinkedHashMap<>();
  private final Map<String, List<String[]>> tables = new LinkedHashMap<>();

  public Figure add(Figure figure) {
    figures.add(figure);
    return figure;
  }

  public void note(String line) {
    notes.add(line);
  }

  public void header(String key, Object value) {
    header.put(key, value);
  }

  /** A round's raw measurement of a scenario, for the results file. */
  public synchronized void detail(String scenario, Object measurement) {
    details.computeIfAbsent(scenario, k -> new ArrayList<>()).add(measurement);
  }

  /** A table of its own, printed after the figures and written under "tables": head first. */
  public void addTable(String title, List<String[]> headAndRows) {
    tables.put(title, headAndRows);
  }

  public String table() {
    String[] head =
        "scenario|figure|ours|reference|ratio|target|met|CPU-s/1k ours|CPU-s/1k ref|rounds|reference is"
            .split("\\|");
    List<String[]> rows = new ArrayList<>(List.<String[]>of(head));
    for (Figure f : figures) {
      rows.add(
          new String[] {
            f.scenario,
            f.name,
            value(f.oursMedian(), f.unit),
            f.theirsMedian() != null
                ? value(f.theirsMedian(), f.unit)
                : f.referenceMissing != null ? "not available" : f.reference.isEmpty() ? "" : "-",
            f.ratio() == null ? "" : String.format("%.2f", f.ratio()),
            f.targetText(),
            f.met() == null ? "" : f.met() ? "yes" : "NO",
            cpu(Figure.median(f.oursCpu)),
            cpu(Figure.median(f.theirsCpu)),
            Integer.toString(f.rounds()),
            f.reference
          });
    }
    StringBuilder out = new StringBuilder();
    render(out, rows, i -> i >= 2 && i != 5 && i != 6 && i != 10);
    out.append('\n');
    for (Figure f : figures) {
      String label = f.scenario + " / " + f.name + ": ";
      if (f.referenceMissing != null && f.theirsMedian() == null) {
        out.append("  * ").append(label).append(f.reference).append(" ");
        out.append(f.referenceMissing).append('\n');
      }
      f.remarks.forEach(r -> out.append("  * ").append(label).append(r).append('\n'));
    }
    notes.forEach(n -> out.append("  * ").append(n).append('\n'));
    tables.forEach(
        (title, t) -> {
          out.append('\n').append(title).append('\n');
          render(out, t, i -> i > 0);
        });
    return out.toString();
  }

  /** Columns padded to their widest cell, a rule under the head; numbers right-aligned. */
  private static void render(StringBuilder out, List<String[]> rows, IntPredicate number) {
    int[] width = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      out.append('|');
      for (int i = 0; i < width.length; i++) {
        String align = number.test(i) ? "" : "-";
        out.append(String.format(" %" + align + width[i] + "s |", rows.get(r)[i]));
      }
      out.append('\n');
      if (r == 0) {
        out.append('|');
        for (int w : width) {
          out.append('-').append("-".repeat(w)).append("-|");
        }
        out.append('\n');
      }
    }
  }

  public Path write(Path dir, String stamp, double wallSeconds) throws IOException {
    Map<String, Object> all = new LinkedHashMap<>(header);
    all.put("wall_seconds", Math.round(wallSeconds));
    all.put("figures", figures.stream().map(Figure::json).toList());
    all.put("notes", notes);
    all.put("rounds", details);
    all.put("tables", tables);
    Files.createDirectories(dir);
    Path file = dir.resolve("suite-" + stamp + ".json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), all);
    return file;
  }

  public static String value(Double v, String unit) {
    if (v == null) {
      return "-";
    }
    // CPU-seconds per event are small numbers; every other figure reads well to a tenth.
    String number =
        Math.abs(v) >= 100
            ? String.format("%,.0f", v)
            : unit.equals("CPU-s") ? String.format("%.3f", v) : String.format("%.1f", v);
    return unit.isEmpty() ? number : number + " " + unit;
  }

  private static String cpu(Double v) {
    return v == null ? "" : String.format("%.3f", v);
  }
}
