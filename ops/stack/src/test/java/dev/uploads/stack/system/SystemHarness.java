package dev.uploads.stack.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.api.ApiApplication;
import dev.uploads.api.ApiConfiguration;
import dev.uploads.api.auth.Accounts;
import dev.uploads.infra.FlakyTcpProxy;
import dev.uploads.infra.LocalKafka;
import dev.uploads.infra.LocalS3;
import dev.uploads.infra.LocalSmtp;
import dev.uploads.infra.Ports;
import dev.uploads.infra.SharedInfra;
import dev.uploads.infra.ShutdownOrder;
import dev.uploads.schema.Topics;
import io.dropwizard.testing.DropwizardTestSupport;
import java.io.IOException;
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
 *
 * <p>{@link #get()} keeps blobs on the local disk; {@link #onS3()} is a second, separate system
 * whose API and worker share a bucket on a real S3-compatible server, each through its own proxy
 * that can cut it off. The second system has its own Kafka broker: both would otherwise consume the
 * same topics in the same consumer groups and take each other's events.
 *
 * <p>Both systems export their spans to one {@link OtlpReceiver} and write JSON log lines: the API
 * (which runs in this JVM, whose logging both APIs share) to {@link #apiLog}, each worker to its
 * {@code worker.log}; {@code dev.uploads} logs at DEBUG there, warnings also reach the console.
 */
final class SystemHarness {
  private static SystemHarness instance;
  private static SystemHarness onS3;
  private static OtlpReceiver receiver;
  private static Path apiLog;
  static final ObjectMapper JSON = new ObjectMapper();

  final Jdbi jdbi;
  final String jdbcUrl;
  final LocalSmtp smtp;
  final FlakyTcpProxy smtpProxy;

  /** The worker reaches PostgreSQL only through this, so a test can cut its connections. */
  final FlakyTcpProxy workerToDatabase;

  final Path dir;
  final Path workerConfig;
  final Path workerLog;
  final int workerPort;

  /** On S3 only: the bucket and the proxies between the store and the API and the worker. */
  final String bucket;

  final FlakyTcpProxy apiToS3;
  final FlakyTcpProxy workerToS3;
  private final DropwizardTestSupport<ApiConfiguration> api;
  private final HttpClient http = HttpClient.newHttpClient();
  private WorkerProcess worker;

  private SystemHarness(LocalKafka kafka, boolean s3) throws Exception {
    SharedInfra infra = SharedInfra.get();
    kafka.createTopics(Topics.all(6));
    jdbcUrl = infra.newDatabase();
    jdbi =
        Jdbi.create(jdbcUrl, "postgres", "")
            .installPlugin(new SqlObjectPlugin())
            .installPlugin(new PostgresPlugin());
    dir = Files.createTempDirectory("system-test");
    workerLog = dir.resolve("worker.log");
    OtlpReceiver spans = receiver();
    smtp = LocalSmtp.start(0);
    smtpProxy = FlakyTcpProxy.start(smtp.host(), smtp.port());
    workerToDatabase = FlakyTcpProxy.start("127.0.0.1", infra.postgres().port());
    String workerJdbcUrl =
        jdbcUrl.replaceFirst(
            "//127\\.0\\.0\\.1:\\d+/", "//127.0.0.1:" + workerToDatabase.port() + "/");
    workerPort = Ports.free();
    String apiBlobs;
    String workerBlobs;
    if (s3) {
      bucket = SharedInfra.newBucket();
      apiToS3 = FlakyTcpProxy.start("127.0.0.1", SharedInfra.s3().port());
      workerToS3 = FlakyTcpProxy.start("127.0.0.1", SharedInfra.s3().port());
      apiBlobs = s3Blobs(bucket, apiToS3);
      workerBlobs = s3Blobs(bucket, workerToS3);
    } else {
      bucket = null;
      apiToS3 = null;
      workerToS3 = null;
      apiBlobs = "{type: filesystem, root: %s}".formatted(dir.resolve("blobs"));
      workerBlobs = apiBlobs;
    }
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
        uploads: {maxSize: 20MiB}
        blobs: %s
        tracing: {otlpEndpoint: "%s"}
        logging:
          level: WARN
          loggers: {dev.uploads: DEBUG}
          appenders:
            - {type: console, threshold: WARN}
            - {type: file, currentLogFilename: %s, archive: false, layout: {type: json, flattenMdc: true}}
        """
            .formatted(jdbcUrl, kafka.bootstrapServers(), apiBlobs, spans.endpoint(), apiLog));
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
        blobs: %s
        smtp: {host: 127.0.0.1, port: %d, timeout: 3s}
        breakers: {failuresToOpen: 3, openFor: 2s}
        jobs:
          thumbnails: {retry: {attempts: 5, firstDelay: 50ms, maxDelay: 500ms}}
          emails: {retry: {attempts: 5, firstDelay: 50ms, maxDelay: 500ms}}
          stats: {retry: {attempts: 5, firstDelay: 50ms, maxDelay: 500ms}}
        tracing: {otlpEndpoint: "%s"}
        logging:
          level: WARN
          loggers: {dev.uploads: DEBUG}
          appenders: [{type: console, layout: {type: json, flattenMdc: true}}]
        """
            .formatted(
                workerPort,
                workerJdbcUrl,
                kafka.bootstrapServers(),
                workerBlobs,
                smtpProxy.port(),
                spans.endpoint()));
    api = new DropwizardTestSupport<>(ApiApplication.class, apiConfig.toString());
    api.before();
    startWorker();
  }

  /**
   * The collector of both systems' spans, and the file of the APIs' log lines: once per JVM,
   * stopped after the systems (so that their last spans still arrive).
   */
  static synchronized OtlpReceiver receiver() throws IOException {
    if (receiver == null) {
      receiver = OtlpReceiver.start();
      ShutdownOrder.atExit("the span receiver", receiver::close);
      apiLog = Files.createTempDirectory("system-test-logs").resolve("api.log");
    }
    return receiver;
  }

  /** The JSON log lines of the APIs (and anything else that logs in this JVM). */
  static synchronized Path apiLog() {
    return apiLog;
  }

  static synchronized SystemHarness get() throws Exception {
    if (instance == null) {
      instance = new SystemHarness(SharedInfra.get().kafka(), false);
      ShutdownOrder.atExit("the system under test", instance::shutdown);
    }
    return instance;
  }

  static synchronized SystemHarness onS3() throws Exception {
    if (onS3 == null) {
      Path kafkaDir = Files.createTempDirectory("system-s3-kafka");
      // Registered before the broker, so it runs after the broker stopped.
      ShutdownOrder.atExit("the second broker's data", () -> deleteQuietly(kafkaDir));
      LocalKafka kafka = LocalKafka.start(kafkaDir, 0, 0);
      onS3 = new SystemHarness(kafka, true);
      ShutdownOrder.atExit("the system under test on S3", onS3::shutdown);
    }
    return onS3;
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      // Best effort at exit; the OS cleans the temp directory eventually.
    }
  }

  /** Short timeouts: a store behind a cut proxy fails within seconds, as a dead one would. */
  private static String s3Blobs(String bucket, FlakyTcpProxy proxy) {
    return ("{type: s3, bucket: %s, endpoint: 'http://127.0.0.1:%d', region: %s, pathStyle: true,"
            + " accessKeyId: %s, secretAccessKey: %s, connectTimeout: 1s, requestTimeout: 5s}")
        .formatted(
            bucket, proxy.port(), LocalS3.REGION, LocalS3.ACCESS_KEY_ID, LocalS3.SECRET_ACCESS_KEY);
  }

  void startWorker() throws Exception {
    worker = new WorkerProcess(workerConfig, workerLog);
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
      // Killed, not stopped: at exit nothing tests its graceful stop, which waits for its lanes
      // and the group (up to 30 s per harness). Surefire gives a finished fork 30 s to exit and
      // then kills it, and a worker still stopping then outlived the tests.
      worker.kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    api.after();
    smtpProxy.close();
    workerToDatabase.close();
    smtp.stop();
    if (apiToS3 != null) {
      apiToS3.close();
      workerToS3.close();
    }
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
