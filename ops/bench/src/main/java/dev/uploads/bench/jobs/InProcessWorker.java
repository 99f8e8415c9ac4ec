package dev.uploads.bench.jobs;

import dev.uploads.infra.Ports;
import dev.uploads.worker.WorkerApplication;
import dev.uploads.worker.WorkerConfiguration;
import io.dropwizard.core.setup.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.server.Server;

/**
 * The real worker service, started in this JVM from a configuration file like any deployment's,
 * with only the jobs a phase measures enabled: the others would otherwise compete for the same two
 * cores and read the same records. Closing it stops Jetty, which stops the jobs: each finishes the
 * records in hand, commits and leaves its group.
 */
final class InProcessWorker implements AutoCloseable {
  private final Server server;

  private InProcessWorker(Server server) {
    this.server = server;
  }

  /** Where the worker connects and which jobs run, with how many lanes each. */
  record Setup(String jdbcUrl, String kafka, Path blobRoot, int smtpPort, Path dir) {}

  /** Writes {@code worker-<name>.yml} and its log beside it; jobs not in the map are disabled. */
  static Path config(Setup setup, String name, Map<String, Integer> jobs) throws IOException {
    Path file = setup.dir().resolve("worker-" + name + ".yml");
    Files.writeString(
        file,
        """
        server:
          type: simple
          applicationContextPath: /app
          adminContextPath: /admin
          connector: {type: http, port: %d, bindHost: 127.0.0.1}
          requestLog: {appenders: []}
        database:
          driverClass: org.postgresql.Driver
          url: %s
          user: postgres
          password: ""
          maxSize: 16
        kafka: {bootstrapServers: "%s"}
        blobs: {type: filesystem, root: %s}
        smtp: {host: 127.0.0.1, port: %d}
        jobs:
          thumbnails: %s
          emails: %s
          stats: %s
        logging:
          level: WARN
          appenders: [{type: file, currentLogFilename: %s, archive: false}]
        """
            .formatted(
                Ports.free(),
                setup.jdbcUrl(),
                setup.kafka(),
                setup.blobRoot(),
                setup.smtpPort(),
                job(jobs, "thumbnails"),
                job(jobs, "emails"),
                job(jobs, "stats"),
                setup.dir().resolve("worker-" + name + ".log")));
    return file;
  }

  private static String job(Map<String, Integer> jobs, String name) {
    Integer concurrency = jobs.get(name);
    return concurrency == null
        ? "{enabled: false}"
        : "{enabled: true, concurrency: " + concurrency + "}";
  }

  static void migrate(Setup setup) throws Exception {
    new WorkerApplication().run("db", "migrate", config(setup, "migrate", Map.of()).toString());
  }

  /** Starts the worker; returns once Jetty and the job consumers have started. */
  static InProcessWorker start(Setup setup, String name, Map<String, Integer> jobs)
      throws Exception {
    Capturing app = new Capturing();
    app.run("server", config(setup, name, jobs).toString());
    if (app.server == null) {
      throw new IllegalStateException("worker " + name + " did not start; see its log");
    }
    return new InProcessWorker(app.server);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** Remembers the Jetty server, which the application does not expose, so it can be stopped. */
  private static final class Capturing extends WorkerApplication {
    private volatile Server server;

    @Override
    public void run(WorkerConfiguration config, Environment environment) throws Exception {
      super.run(config, environment);
      environment.lifecycle().addServerLifecycleListener(s -> server = s);
    }
  }
}
