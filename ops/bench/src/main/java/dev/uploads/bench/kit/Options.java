package dev.uploads.bench.kit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command's {@code --name=value} options and {@code --flag}s. The command asks for each option by
 * name with its default, which also makes it known; {@link #done} then refuses whatever was given
 * but never asked for, listing the known options with their defaults.
 */
public final class Options {
  private final Map<String, String> given = new LinkedHashMap<>();
  private final Map<String, String> known = new LinkedHashMap<>();

  public Options(String[] args) {
    for (String arg : args) {
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException(
            "not an option: '" + arg + "' (options are --name=value)");
      }
      int eq = arg.indexOf('=');
      given.put(
          eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? null : arg.substring(eq + 1));
    }
  }

  public String text(String name, String fallback) {
    known.put(name, fallback);
    if (!given.containsKey(name)) {
      return fallback;
    }
    String value = given.get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          "--" + name + " needs a value: --" + name + "=" + fallback);
    }
    return value;
  }

  /** An integer of at least {@code min}. */
  public int integer(String name, int fallback, int min) {
    String value = text(name, Integer.toString(fallback));
    try {
      int n = Integer.parseInt(value.replace("_", ""));
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--" + name + " must be an integer of at least " + min + ", not '" + value + "'");
  }

  public int positive(String name, int fallback) {
    return integer(name, fallback, 1);
  }

  /** Comma-separated values, each one of {@code allowed} unless that is empty. */
  public List<String> list(String name, List<String> fallback, List<String> allowed) {
    List<String> values = new ArrayList<>();
    for (String part : text(name, String.join(",", fallback)).split(",")) {
      String value = part.trim();
      if (!allowed.isEmpty() && !allowed.contains(value)) {
        throw new IllegalArgumentException(
            "--" + name + ": unknown value '" + value + "'; known: " + String.join(",", allowed));
      }
      values.add(value);
    }
    return values;
  }

  /** A flag: given as {@code --name} (or {@code --name=true}). */
  public boolean flag(String name) {
    known.put(name, null);
    String value = given.getOrDefault(name, "false");
    return value == null || Boolean.parseBoolean(value);
  }

  /** Fails on any option that was given but not asked for. */
  public void done() {
    List<String> unknown = given.keySet().stream().filter(k -> !known.containsKey(k)).toList();
    if (!unknown.isEmpty()) {
      String names = "--" + String.join(", --", unknown);
      throw new IllegalArgumentException("unknown option " + names + "; known: " + usage());
    }
  }

  /** The known options with their defaults, as a command line would give them. */
  public String usage() {
    List<String> options = new ArrayList<>();
    known.forEach((k, v) -> options.add("--" + k + (v == null ? "" : "=" + v)));
    return String.join(" ", options);
  }
}
