package dev.uploads.stack.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.api.ApiApplication;
import dev.uploads.api.ApiConfiguration;
import dev.uploads.api.auth.Accounts;
import dev.uploads.infra.FlakyTcpProxy;
import dev.uploads.infra.LocalSmtp;
import dev.uploads.infra.Ports;
import dev.uploads.infra.SharedInfra;
import dev.uploads.infra.ShutdownOrder;
import dev.uploads.schema.Topics;
import io.dropwizard.testing.DropwizardTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * The whole system for tests, once per JVM: real PostgreSQL and Kafka, the API with its relay, a
 * real SMTP server behind a proxy that can fail on demand, and the worker as a process that a test
 * may kill. Test classes share it and tell their data apart by fresh accounts.
 */
final class SystemHarness {
  private static SystemHarness instance;
  static final ObjectMapper JSON = new ObjectMapper();

  final Jdbi jdbi;
  final String jdbcUrl;
  final LocalSmtp smtp;
  final FlakyTcpProxy smtpProxy;
  final Path dir;
  final Path workerConfig;
  final int workerPort;
  private final DropwizardTestSupport<ApiConfiguration> api;
  private final HttpClient http = HttpClient.newHttpClient();
  private WorkerProcess worker;

  private SystemHarness() throws Exception {
    SharedInfra infra = SharedInfra.get();
    infra.kafka().createTopics(Topics.all(6));
    jdbcUrl = infra.newDatabase();
    jdbi =
        Jdbi.create(jdbcUrl, "postgres", "")
            .installPlugin(new SqlObjectPlugin())
            .installPlugin(new PostgresPlugin());
    dir = Files.createTempDirectory("system-test");
    smtp = LocalSmtp.start(0);
    smtpProxy = FlakyTcpProxy.start(smtp.host(), smtp.port());
    workerPort = Ports.free();
    Path apiConfig = dir.resolve("api.yml");
    Files.writeString(
        apiConfig,
        """
        server:
          applicationConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]
          adminConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]
          requestLog: {appenders: []}
        database: {driverClass: org.postgresql.Driver, url: %s, user: postgres, password: "", maxSize: 16}
        kafka: {bootstrapServers: %s}
        relay: {pollInterval: 200ms, leaseDuration: 3s, backoffMax: 2s}
        uploads: {maxSize: 20MiB, blobRoot: %s}
        logging: {level: WARN}
        """
            .formatted(jdbcUrl, infra.kafka().bootstrapServers(), dir.resolve("blobs")));
    new ApiApplication().run("db", "migrate", apiConfig.toString());
    workerConfig = dir.resolve("worker.yml");
    Files.writeString(
        workerConfig,
        """
        server:
          type: simple
          applicationContextPath: /app
          adminContextPath: /admin
          connector: {type: http, port: %d, bindHost: 127.0.0.1}
          requestLog: {appenders: []}
        database: {driverClass: org.postgresql.Driver, url: %s, user: postgres, password: "", maxSize: 16}
        kafka: {bootstrapServers: %s}
        blobRoot: %s
        smtp: {host: 127.0.0.1, port: %d, timeout: 3s}
        breakers: {failuresToOpen: 3, openFor: 2s}
        jobs:
          thumbnails: {retry: {attempts: 5, firstDelay: 50ms, maxDelay: 500ms}}
          emails: {retry: {attempts: 5, firstDelay: 50ms, maxDelay: 500ms}}
          stats: {retry: {attempts: 5, firstDelay: 50ms, maxDelay: 500ms}}
        logging: {level: WARN}
        """
            .formatted(
                workerPort,
                jdbcUrl,
                infra.kafka().bootstrapServers(),
                dir.resolve("blobs"),
                smtpProxy.port()));
    api = new DropwizardTestSupport<>(ApiApplication.class, apiConfig.toString());
    api.before();
    startWorker();
  }

  static synchronized SystemHarness get() throws Exception {
    if (instance == null) {
      instance = new SystemHarness();
      ShutdownOrder.atExit("the system under test", instance::shutdown);
    }
    return instance;
  }

  void startWorker() throws Exception {
    worker = new WorkerProcess(workerConfig, dir.resolve("worker.log"));
    await(
        "worker admin port answers",
        Duration.ofSeconds(60),
        () -> {
          try {
            return http.send(
                        HttpRequest.newBuilder(URI.create(workerAdmin("/healthcheck"))).build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode()
                > 0;
          } catch (Exception e) {
            return false;
          }
        });
  }

  void killWorker() throws InterruptedException {
    worker.kill();
  }

  private void shutdown() {
    try {
      worker.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    api.after();
    smtpProxy.close();
    smtp.stop();
  }

  String workerAdmin(String path) {
    return "http://127.0.0.1:" + workerPort + "/admin" + path;
  }

  String apiAdmin(String path) {
    return "http://127.0.0.1:" + api.getAdminPort() + path;
  }

  String apiUrl(String path) {
    return "http://127.0.0.1:" + api.getLocalPort() + path;
  }

  /** A new account with its own address: mail for it is this test's mail. */
  Client newClient(String email) {
    return new Client(this, email, Accounts.create(jdbi, email).apiKey());
  }

  HttpResponse<byte[]> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  JsonNode workerMetrics() throws Exception {
    return JSON.readTree(
        send(HttpRequest.newBuilder(URI.create(workerAdmin("/metrics"))).build()).body());
  }

  long meter(String name) throws Exception {
    return workerMetrics().at("/meters/" + name.replace("/", "~1") + "/count").asLong();
  }

  long count(String sql, Object... args) {
    return jdbi.withHandle(
        h -> {
          var query = h.createQuery(sql);
          for (int i = 0; i < args.length; i++) {
            query.bind(i, args[i]);
          }
          return query.mapTo(Long.class).one();
        });
  }

  static void await(String what, Duration timeout, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what);
      }
      Thread.sleep(100);
    }
  }
}
