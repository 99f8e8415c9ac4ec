package dev.uploads.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The API's configuration file for the local stack, written anew at each start. */
final class StackConfig {
  private StackConfig() {}

  /** The worker's configuration, beside the API's; it sends mail to the local SMTP server. */
  static Path writeWorker(StackOptions options, String jdbcUrl, String kafka) throws IOException {
    Path file = options.dataDir().resolve("worker.yml");
    Files.writeString(
        file,
        """
        # Written by the local stack at each start; edits are overwritten.
        server:
          type: simple
          applicationContextPath: /app
          adminContextPath: /admin
          connector: {type: http, port: %d, bindHost: 127.0.0.1}
          shutdownGracePeriod: 5s   # see worker/config.yml
        %s
        database:
          driverClass: org.postgresql.Driver
          url: %s
          user: postgres
          password: ""
          maxSize: 16
          checkConnectionOnBorrow: true
          validationQuery: "SELECT 1"
          properties: {connectTimeout: "2"}
        kafka:
          bootstrapServers: %s
        blobs: {type: filesystem, root: %s}
        smtp:
          host: 127.0.0.1
          port: %d
          from: uploads@localhost
        %s
        %s"""
            .formatted(
                options.workerAdminPort(),
                requestLog(options, "worker"),
                jdbcUrl,
                kafka,
                options.dataDir().resolve("blobs"),
                options.smtpPort(),
                tracing(options),
                logging(options)));
    return file;
  }

  static Path write(StackOptions options, String jdbcUrl, String kafka) throws IOException {
    Path file = options.dataDir().resolve("api.yml");
    Files.writeString(
        file,
        """
        # Written by the local stack at each start; edits are overwritten.
        server:
          applicationConnectors: [{type: http, port: %d, bindHost: 127.0.0.1}]
          adminConnectors: [{type: http, port: %d, bindHost: 127.0.0.1}]
        %s
        database:
          driverClass: org.postgresql.Driver
          url: %s
          user: postgres
          password: ""
          maxSize: 32
          checkConnectionOnBorrow: true
          validationQuery: "SELECT 1"
          maxWaitForConnection: 2s
          properties: {connectTimeout: "2"}
        kafka:
          bootstrapServers: %s
        blobs: {type: filesystem, root: %s}
        %s
        %s"""
            .formatted(
                options.apiPort(),
                options.adminPort(),
                requestLog(options, "api"),
                jdbcUrl,
                kafka,
                options.dataDir().resolve("blobs"),
                tracing(options),
                logging(options)));
    return file;
  }

  /** Spans go to the collector of --otlp-endpoint; without one they are made but not sent. */
  private static String tracing(StackOptions options) {
    return "tracing: {otlpEndpoint: \"%s\"}".formatted(options.otlpEndpoint());
  }

  /** The services' log file: the API, its relay and the worker, with Jetty, Kafka's clients etc. */
  static Path servicesLog(StackOptions options) {
    return options.dataDir().resolve("logs/services.log");
  }

  /**
   * The same for the API and the worker: both run in this JVM and share one logback context, which
   * Dropwizard resets when each of them starts. With a file each, everything the API logged after
   * the worker had started went to the worker's file. Plain text, each line with its trace id when
   * it has one ({@link StackLogging#PATTERN}); the container images' configurations log JSON.
   */
  private static String logging(StackOptions options) {
    return """
        logging:
          level: INFO
          appenders:
            - {type: console, threshold: %s, logFormat: "%s"}
            - {type: file, currentLogFilename: %s, archivedLogFilenamePattern: %s, archivedFileCount: 3,
               logFormat: "%s"}
        """
        .formatted(
            options.verbose() ? "ALL" : "WARN",
            StackLogging.PATTERN,
            servicesLog(options),
            options.dataDir().resolve("logs/services-%d.log.gz"),
            StackLogging.PATTERN);
  }

  /**
   * The HTTP request log, in a file of its own. Dropwizard's "classic" request log (logback-classic
   * and Jetty's CustomRequestLog), not its default logback-access one: logback-access checks its
   * version against that of the class it runs as, which is Dropwizard's subclass (5.0.1, not
   * 2.0.9), and looks for the logback-core version it expects in a file that its own jar names
   * differently; so it printed two version warnings on every start, with versions that do match.
   */
  private static String requestLog(StackOptions options, String service) {
    // The classic layout writes the line Jetty formatted and never reads its pattern, but logback
    // will not start a pattern layout without one: an error on every start. Any literal will do.
    String file =
        ("{type: file, logFormat: request, currentLogFilename: %s, archivedLogFilenamePattern: %s,"
                + " archivedFileCount: 3}")
            .formatted(
                options.dataDir().resolve("logs/" + service + "-requests.log"),
                options.dataDir().resolve("logs/" + service + "-requests-%d.log.gz"));
    return "  requestLog:\n    type: classic\n    appenders: ["
        + file
        + (options.verbose() ? ", {type: console, logFormat: request}" : "")
        + "]";
  }
}
