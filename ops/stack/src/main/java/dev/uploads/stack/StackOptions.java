package dev.uploads.stack;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the local stack keeps its data, which loopback ports it listens on, and whether the
 * third-party output (Dropwizard, Jetty, Kafka, PostgreSQL, Liquibase) is shown on the terminal or
 * only written to the log files, and where the services send their spans (nowhere by default; an
 * OTLP/HTTP collector's base URL otherwise). Each option is a {@code --name=value} argument or an
 * environment variable; the defaults are the README's.
 */
public record StackOptions(
    Path dataDir,
    int apiPort,
    int adminPort,
    int workerAdminPort,
    int smtpPort,
    int postgresPort,
    int kafkaPort,
    int controllerPort,
    boolean verbose,
    String otlpEndpoint) {

  /** Every port free, for tests and benchmarks that run beside a local stack. */
  public static StackOptions onFreePorts(Path dataDir) {
    return new StackOptions(
        dataDir,
        dev.uploads.infra.Ports.free(),
        dev.uploads.infra.Ports.free(),
        dev.uploads.infra.Ports.free(),
        dev.uploads.infra.Ports.free(),
        dev.uploads.infra.Ports.free(),
        dev.uploads.infra.Ports.free(),
        dev.uploads.infra.Ports.free(),
        false,
        "");
  }

  public static StackOptions parse(String[] args, Map<String, String> env) {
    Map<String, String> given = new java.util.HashMap<>();
    for (String arg : args) {
      if (arg.equals("--verbose")) {
        given.put("verbose", "true");
        continue;
      }
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException(
            "unknown argument '" + arg + "'; options look like --api-port=8080");
      }
      given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    StackOptions options =
        new StackOptions(
            Path.of(option(given, env, "data-dir", ".local")).toAbsolutePath(),
            port(given, env, "api-port", 8080),
            port(given, env, "admin-port", 8081),
            port(given, env, "worker-admin-port", 8082),
            port(given, env, "smtp-port", 2525),
            port(given, env, "postgres-port", 15432),
            port(given, env, "kafka-port", 19092),
            port(given, env, "kafka-controller-port", 19093),
            flag(given, env, "verbose"),
            endpoint(option(given, env, "otlp-endpoint", "")));
    if (!given.isEmpty()) {
      throw new IllegalArgumentException("unknown options " + given.keySet());
    }
    return options;
  }

  /** {@code --api-port} or {@code UPLOADS_API_PORT}. */
  private static String option(
      Map<String, String> given, Map<String, String> env, String name, String fallback) {
    String value = given.remove(name);
    if (value == null) {
      value = env.get("UPLOADS_" + name.toUpperCase().replace('-', '_'));
    }
    return value == null ? fallback : value;
  }

  /** {@code --verbose}, {@code --verbose=true} or {@code UPLOADS_VERBOSE=true}. */
  private static boolean flag(Map<String, String> given, Map<String, String> env, String name) {
    String value = option(given, env, name, "false");
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
  }

  private static String endpoint(String value) {
    if (value.isEmpty() || value.matches("https?://\\S+")) {
      return value;
    }
    throw new IllegalArgumentException(
        "otlp-endpoint must be an http:// or https:// URL, not '" + value + "'");
  }

  private static int port(
      Map<String, String> given, Map<String, String> env, String name, int fallback) {
    String value = option(given, env, name, Integer.toString(fallback));
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port < 65536) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a port number, not '" + value + "'");
  }
}
