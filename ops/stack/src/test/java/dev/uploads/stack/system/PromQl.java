package dev.uploads.stack.system;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a PromQL expression (of an alert rule or a dashboard panel) asks of the metrics: the series
 * it selects, with their label matchers, and the labels it groups or matches by. Enough of the
 * language to hold the expressions to what the services export; strings, ranges, numbers, function
 * calls and Grafana's variables are read past. {@link #problems} compares them with a scrape.
 */
final class PromQl {
  /** {@code name{label op "value", …}}; the name is null when only {@code __name__} gives it. */
  record Selector(String name, List<LabelMatcher> matchers) {}

  record LabelMatcher(String label, String op, String value) {}

  /** Added by Prometheus to every scraped series, so never in a service's own text. */
  private static final Set<String> TARGET_LABELS = Set.of("instance", "job");

  private static final Set<String> GROUPING =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  /**
   * Operators, and aggregations, which may come before their parameters: {@code sum by (x) (…)}.
   */
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "atan2",
          "inf",
          "nan",
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio");

  private static final Pattern PLAIN_ALTERNATIVES = Pattern.compile("[A-Za-z0-9_+.:/ |-]+");

  final List<Selector> selectors = new ArrayList<>();
  final Set<String> grouping = new LinkedHashSet<>();
  private final String text;
  private int at;

  private PromQl(String text) {
    this.text = text;
  }

  static PromQl parse(String expression) {
    PromQl q = new PromQl(expression);
    q.read();
    return q;
  }

  private void read() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '"' || c == '\'' || c == '`') {
        string();
      } else if (c == '[') {
        at = text.indexOf(']', at) + 1; // a range or a subquery: durations and variables
        if (at == 0) {
          throw new IllegalArgumentException("unclosed [ in " + text);
        }
      } else if (c == '{') {
        selectors.add(new Selector(null, matchers()));
      } else if (Character.isDigit(c) || c == '.') {
        while (at < text.length()
            && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '.')) {
          at++; // a number or a duration (14.4, 1e3, 5m)
        }
      } else if (c == '$') {
        at++;
        if (at < text.length() && text.charAt(at) == '{') {
          at = text.indexOf('}', at) + 1;
        } else {
          identifier(); // a Grafana variable
        }
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        word(identifier());
      } else {
        at++;
      }
    }
  }

  private void word(String word) {
    int next = skipSpaces(at);
    boolean call = next < text.length() && text.charAt(next) == '(';
    if (GROUPING.contains(word)) {
      if (call) {
        at = next + 1;
        int close = text.indexOf(')', at);
        for (String label : text.substring(at, close).split(",")) {
          if (!label.isBlank()) {
            grouping.add(label.strip());
          }
        }
        at = close + 1;
      }
    } else if (!call && !KEYWORDS.contains(word.toLowerCase())) {
      at = next;
      List<LabelMatcher> matchers =
          at < text.length() && text.charAt(at) == '{' ? matchers() : List.of();
      selectors.add(new Selector(word, matchers));
    }
  }

  private List<LabelMatcher> matchers() {
    at++; // {
    List<LabelMatcher> matchers = new ArrayList<>();
    while (true) {
      at = skipSpaces(at);
      if (text.charAt(at) == '}') {
        at++;
        return matchers;
      }
      if (text.charAt(at) == ',') {
        at++;
        continue;
      }
      String label = identifier();
      at = skipSpaces(at);
      int opStart = at;
      while ("=!~".indexOf(text.charAt(at)) >= 0) {
        at++;
      }
      String op = text.substring(opStart, at);
      at = skipSpaces(at);
      matchers.add(new LabelMatcher(label, op, string()));
    }
  }

  private String identifier() {
    int start = at;
    while (at < text.length()
        && (Character.isLetterOrDigit(text.charAt(at))
            || text.charAt(at) == '_'
            || text.charAt(at) == ':')) {
      at++;
    }
    if (start == at) {
      throw new IllegalArgumentException("a name expected at " + at + " of " + text);
    }
    return text.substring(start, at);
  }

  /** A quoted string at {@code at}, unescaped (backquoted ones are raw). */
  private String string() {
    char quote = text.charAt(at++);
    StringBuilder value = new StringBuilder();
    while (text.charAt(at) != quote) {
      char c = text.charAt(at++);
      if (c == '\\' && quote != '`') {
        c = text.charAt(at++);
      }
      value.append(c);
    }
    at++;
    return value.toString();
  }

  private int skipSpaces(int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * What in this expression no series of the scrape answers: a metric name that is not a sample's
   * (a family name such as {@code relay_published} of {@code relay_published_total} is not), a
   * label the metric does not carry, a value of {@code =} or of a plain {@code =~a|b} that no
   * sample has, a grouping label that none of the expression's metrics carries. Labels and values
   * holding a Grafana variable are taken as they come.
   */
  List<String> problems(Map<String, List<Map<String, String>>> scrape) {
    List<String> problems = new ArrayList<>();
    Set<String> labelsOfAll = new TreeSet<>(TARGET_LABELS);
    for (Selector s : selectors) {
      String name = s.name();
      for (LabelMatcher m : s.matchers()) {
        if (m.label().equals("__name__") && m.op().equals("=")) {
          name = m.value();
        }
      }
      if (name == null) {
        problems.add("a selector without a metric name: " + s);
        continue;
      }
      List<Map<String, String>> samples = scrape.get(name);
      if (samples == null) {
        problems.add("no metric " + name);
        continue;
      }
      samples.forEach(sample -> labelsOfAll.addAll(sample.keySet()));
      for (LabelMatcher m : s.matchers()) {
        if (m.label().equals("__name__") || TARGET_LABELS.contains(m.label())) {
          continue;
        }
        if (samples.stream().noneMatch(sample -> sample.containsKey(m.label()))) {
          problems.add(name + " has no label " + m.label());
          continue;
        }
        if (m.value().contains("$")) {
          continue;
        }
        List<String> values =
            m.op().equals("=")
                ? List.of(m.value())
                : m.op().equals("=~") && PLAIN_ALTERNATIVES.matcher(m.value()).matches()
                    ? List.of(m.value().split("\\|"))
                    : List.of();
        for (String value : values) {
          if (samples.stream().noneMatch(sample -> value.equals(sample.get(m.label())))) {
            problems.add(name + " has no series with " + m.label() + "=\"" + value + "\"");
          }
        }
      }
    }
    for (String label : grouping) {
      if (!label.contains("$") && !labelsOfAll.contains(label)) {
        problems.add("no metric of the expression has the label " + label + " it groups by");
      }
    }
    return problems;
  }
}
