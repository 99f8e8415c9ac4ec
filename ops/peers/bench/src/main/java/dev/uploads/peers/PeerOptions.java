package dev.uploads.peers;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line options of {@link DebeziumRelayBench}: {@code --events=200000}, {@code
 * --warmup-events=50000} (relayed first, untimed, so the JIT has compiled Debezium's path; 0 times
 * a cold engine from its start), {@code --timeout-seconds=300} (bound of the whole drain), {@code
 * --engine-property=key=value} (repeatable: a Debezium engine or connector property replacing or
 * adding to DebeziumRelay's), {@code --jdbc-url=jdbc:postgresql://host:port/db} and {@code
 * --bootstrap=host:port} to use a running PostgreSQL (with {@code wal_level=logical}, user postgres
 * without password) or Kafka instead of starting them, {@code --engine-classpath=}
 * (ops/peers/debezium's classes and target/lib, relative to the repository root).
 */
record PeerOptions(
    int events,
    int warmupEvents,
    Duration timeout,
    Map<String, String> engineProperties,
    String jdbcUrl,
    String bootstrap,
    String engineClasspath) {

  static final String DEFAULT_ENGINE_CLASSPATH =
      "ops/peers/debezium/target/classes:ops/peers/debezium/target/lib/*";

  static PeerOptions parse(String[] args) {
    int events = 200_000;
    int warmup = 50_000;
    Duration timeout = Duration.ofSeconds(300);
    Map<String, String> properties = new LinkedHashMap<>();
    String jdbcUrl = null;
    String bootstrap = null;
    String classpath = DEFAULT_ENGINE_CLASSPATH;
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      String value = eq < 0 ? "" : arg.substring(eq + 1);
      switch (name) {
        case "--events" -> events = Integer.parseInt(value);
        case "--warmup-events" -> warmup = Integer.parseInt(value);
        case "--timeout-seconds" -> timeout = Duration.ofSeconds(Long.parseLong(value));
        case "--engine-property" -> {
          int split = value.indexOf('=');
          if (split < 1) {
            throw new IllegalArgumentException("--engine-property needs key=value: " + arg);
          }
          properties.put(value.substring(0, split), value.substring(split + 1));
        }
        case "--jdbc-url" -> jdbcUrl = value;
        case "--bootstrap" -> bootstrap = value;
        case "--engine-classpath" -> classpath = value;
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    if (events < 1 || warmup < 0 || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "--events and --timeout-seconds must be positive, --warmup-events not negative");
    }
    if (jdbcUrl != null
        && (!jdbcUrl.startsWith("jdbc:postgresql://")
            || URI.create(jdbcUrl.substring("jdbc:".length())).getHost() == null)) {
      throw new IllegalArgumentException("--jdbc-url must be jdbc:postgresql://host:port/db");
    }
    return new PeerOptions(
        events,
        warmup,
        timeout,
        Collections.unmodifiableMap(properties),
        jdbcUrl,
        bootstrap,
        classpath);
  }
}
