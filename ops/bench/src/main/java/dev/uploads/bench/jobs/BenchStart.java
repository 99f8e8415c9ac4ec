package dev.uploads.bench.jobs;

import ch.qos.logback.classic.Level;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/** What every benchmark's main does first: quiet logging, and options or a usage error. */
public final class BenchStart {
  private BenchStart() {}

  /**
   * Keeps Liquibase from fetching its analytics settings from the internet and the embedded
   * services from logging at DEBUG until the services configure logging themselves.
   */
  public static void quiet() {
    System.setProperty("liquibase.analytics.enabled", "false");
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.WARN);
  }

  /** The parsed options; on a bad option, its message on stderr and exit code 2. */
  public static <T> T options(String[] args, Function<String[], T> parse) {
    try {
      return parse.apply(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      throw e; // not reached
    }
  }
}
