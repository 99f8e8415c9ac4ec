package dev.uploads.stack.system;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prometheus' text format (0.0.4) as Prometheus stores it: each sample's name and labels. */
final class Scrape {
  private Scrape() {}

  /** Sample name → the label sets of its samples; comments ({@code # TYPE …}) name no series. */
  static Map<String, List<Map<String, String>>> parse(String text) {
    Map<String, List<Map<String, String>>> samples = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      boolean labelled = brace >= 0 && brace < space;
      String name = line.substring(0, labelled ? brace : space);
      Map<String, String> labels = labelled ? labels(line, brace + 1) : Map.of();
      samples.computeIfAbsent(name, n -> new ArrayList<>()).add(labels);
    }
    return samples;
  }

  /** {@code a="x",b="y\"z",} from {@code at} to the closing brace. */
  private static Map<String, String> labels(String line, int at) {
    Map<String, String> labels = new LinkedHashMap<>();
    while (line.charAt(at) != '}') {
      if (line.charAt(at) == ',' || line.charAt(at) == ' ') {
        at++;
        continue;
      }
      int eq = line.indexOf('=', at);
      String label = line.substring(at, eq);
      StringBuilder value = new StringBuilder();
      at = eq + 2; // ="
      while (line.charAt(at) != '"') {
        char c = line.charAt(at++);
        if (c == '\\') {
          c = line.charAt(at++);
          c = c == 'n' ? '\n' : c;
        }
        value.append(c);
      }
      at++;
      labels.put(label, value.toString());
    }
    return labels;
  }
}
