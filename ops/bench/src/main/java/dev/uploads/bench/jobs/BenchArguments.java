package dev.uploads.bench.jobs;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A benchmark command's arguments: {@code --name=value} options and the flag {@code --keep-data}.
 * The command takes each option by name; whatever no one took is unknown, and {@link #done} says
 * so.
 */
public final class BenchArguments {
  private final Map<String, String> given = new HashMap<>();
  private final String usage;
  private boolean keepData;

  /** Reads {@code args}; the usage line ends every message about an unknown argument. */
  public BenchArguments(String[] args, String usage) {
    this.usage = usage;
    for (String arg : args) {
      if (arg.equals("--keep-data")) {
        keepData = true;
      } else if (arg.startsWith("--") && arg.contains("=")) {
        given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      } else {
        throw new IllegalArgumentException("unknown argument '" + arg + "'; " + usage);
      }
    }
  }

  public boolean keepData() {
    return keepData;
  }

  /** The option's text, or null when it was not given. */
  public String take(String name) {
    return given.remove(name);
  }

  /**
   * The option's value, or {@code fallback} when it was not given.
   *
   * @param complaint the message, from the given text, when it does not parse or is not accepted
   */
  public <T> T take(
      String name,
      T fallback,
      Function<String, T> parse,
      Predicate<T> accepted,
      Function<String, String> complaint) {
    String value = given.remove(name);
    if (value == null) {
      return fallback;
    }
    try {
      T parsed = parse.apply(value);
      if (accepted.test(parsed)) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(complaint.apply(value));
  }

  public int positive(String name, int fallback) {
    return take(
        name,
        fallback,
        Integer::parseInt,
        n -> n > 0,
        value -> name + " must be a positive integer, not '" + value + "'");
  }

  /** Fails on an option the command did not take. */
  public void done() {
    if (!given.isEmpty()) {
      throw new IllegalArgumentException("unknown options " + given.keySet() + "; " + usage);
    }
  }
}
