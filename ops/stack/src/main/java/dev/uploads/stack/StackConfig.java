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
        logging:
          level: INFO
          appenders:
            - type: console
              threshold: WARN
            - type: file
              currentLogFilename: %s
              archivedLogFilenamePattern: %s
              archivedFileCount: 3
        """
            .formatted(
                options.workerAdminPort(),
                jdbcUrl,
                kafka,
                options.dataDir().resolve("blobs"),
                options.smtpPort(),
                options.dataDir().resolve("logs/worker.log"),
                options.dataDir().resolve("logs/worker-%d.log.gz")));
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
        logging:
          level: INFO
          appenders:
            - type: console
              threshold: WARN
            - type: file
              currentLogFilename: %s
              archivedLogFilenamePattern: %s
              archivedFileCount: 3
        """
            .formatted(
                options.apiPort(),
                options.adminPort(),
                jdbcUrl,
                kafka,
                options.dataDir().resolve("blobs"),
                options.dataDir().resolve("logs/api.log"),
                options.dataDir().resolve("logs/api-%d.log.gz")));
    return file;
  }
}
