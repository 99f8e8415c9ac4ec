package dev.uploads.api;

import dev.uploads.api.auth.Accounts;
import dev.uploads.infra.FlakyTcpProxy;
import dev.uploads.infra.SharedInfra;
import io.dropwizard.testing.DropwizardTestSupport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jdbi.v3.core.Jdbi;

/**
 * The API as clients meet it: the real application on a free port, over a fresh database of the
 * shared embedded PostgreSQL (migrated with the {@code db migrate} command) and the shared broker.
 */
final class TestApi implements AutoCloseable {
  private static final String REQUEST_LOG = "requests.log";
  private static final String APP_LOG = "app.log";

  final String jdbcUrl;
  final Path configFile;
  final Path blobRoot;
  final Jdbi jdbi;
  private final DropwizardTestSupport<ApiConfiguration> app;
  private final HttpClient http = HttpClient.newHttpClient();

  private TestApi(
      String jdbcUrl, Path configFile, Path blobRoot, DropwizardTestSupport<ApiConfiguration> app) {
    this.jdbcUrl = jdbcUrl;
    this.configFile = configFile;
    this.blobRoot = blobRoot;
    this.app = app;
    this.jdbi = jdbi(jdbcUrl);
  }

  /** The running application's Jersey resources, instances and classes alike. */
  java.util.Set<Class<?>> resourceClasses() {
    var config = app.getEnvironment().jersey().getResourceConfig();
    java.util.Set<Class<?>> classes = new java.util.HashSet<>(config.getClasses());
    config.getInstances().forEach(i -> classes.add(i.getClass()));
    return classes;
  }

  static Jdbi jdbi(String jdbcUrl) {
    return Jdbi.create(jdbcUrl, "postgres", "")
        .installPlugin(new org.jdbi.v3.sqlobject.SqlObjectPlugin())
        .installPlugin(new org.jdbi.v3.postgres.PostgresPlugin());
  }

  /**
   * What a test may change in the generated configuration: the application connector's idle timeout
   * (null: Dropwizard's default), whether the request log and the application log (at INFO) are
   * written to {@link #requestLog()} and {@link #appLog()} for the test to read, and the blob store
   * (null: the file system under {@link #blobRoot}).
   */
  record Options(String idleTimeout, boolean logFiles, String blobs) {
    static final Options DEFAULT = new Options(null, false, null);

    Options(String idleTimeout, boolean logFiles) {
      this(idleTimeout, logFiles, null);
    }

    /** The same, with the {@code blobs} block given as a YAML flow mapping. */
    Options withBlobs(String blobs) {
      return new Options(idleTimeout, logFiles, blobs);
    }
  }

  /** A migrated fresh database and its configuration file, without starting the API. */
  static Path configure(String jdbcUrl, boolean relay, String maxSize) throws Exception {
    return configure(jdbcUrl, relay, maxSize, Options.DEFAULT);
  }

  static Path configure(String jdbcUrl, boolean relay, String maxSize, Options options)
      throws Exception {
    Path dir = Files.createTempDirectory("api-test");
    Path config = dir.resolve("config.yml");
    String connector =
        options.idleTimeout() == null ? "" : ", idleTimeout: " + options.idleTimeout();
    String requestLog =
        options.logFiles()
            ? "{appenders: [{type: file, archive: false, currentLogFilename: %s}]}"
                .formatted(dir.resolve(REQUEST_LOG))
            : "{appenders: []}";
    String logging =
        options.logFiles()
            ? ("{level: INFO, appenders: [{type: console, threshold: WARN},"
                    + " {type: file, archive: false, currentLogFilename: %s}]}")
                .formatted(dir.resolve(APP_LOG))
            : "{level: WARN, appenders: [{type: console, threshold: WARN}]}";
    Files.writeString(
        config,
        """
        server:
          applicationConnectors: [{type: http, port: 0, bindHost: 127.0.0.1%s}]
          adminConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]
          requestLog: %s
        database:
          driverClass: org.postgresql.Driver
          url: %s
          user: postgres
          password: ""
          maxSize: 16
          minSize: 2
          initialSize: 2
          maxWaitForConnection: 2s
          checkConnectionOnBorrow: true
          validationQuery: "SELECT 1"
          properties: {connectTimeout: "2", socketTimeout: "30"}
        kafka:
          bootstrapServers: %s
        relay:
          enabled: %s
          pollInterval: 500ms
          leaseDuration: 3s
          backoffInitial: 100ms
          backoffMax: 2s
          maxOldestAge: 2s
        uploads:
          maxSize: %s
        blobs: %s
        logging: %s
        """
            .formatted(
                connector,
                requestLog,
                jdbcUrl,
                SharedInfra.get().kafka().bootstrapServers(),
                relay,
                maxSize,
                options.blobs() == null
                    ? "{type: filesystem, root: %s}".formatted(dir.resolve("blobs"))
                    : options.blobs(),
                logging));
    new ApiApplication().run("db", "migrate", config.toString());
    TopicReader.createTopic(dev.uploads.schema.Topics.UPLOADS, 4);
    return config;
  }

  static TestApi start(boolean relay) throws Exception {
    return start(relay, "1MiB");
  }

  static TestApi start(boolean relay, String maxSize) throws Exception {
    return start(relay, maxSize, Options.DEFAULT);
  }

  static TestApi start(boolean relay, String maxSize, Options options) throws Exception {
    String jdbcUrl = SharedInfra.get().newDatabase();
    Path config = configure(jdbcUrl, relay, maxSize, options);
    DropwizardTestSupport<ApiConfiguration> app =
        new DropwizardTestSupport<>(ApiApplication.class, config.toString());
    app.before();
    return new TestApi(jdbcUrl, config, config.getParent().resolve("blobs"), app);
  }

  /**
   * The API without its relay, reaching its database only through {@code proxy} (which must forward
   * to the shared PostgreSQL); the test's own {@link #jdbi} connects directly.
   */
  static TestApi startBehind(FlakyTcpProxy proxy, String jdbcUrl) throws Exception {
    String proxied =
        jdbcUrl.replaceFirst("//127\\.0\\.0\\.1:\\d+/", "//127.0.0.1:" + proxy.port() + "/");
    Path config = configure(proxied, false, "1MiB", Options.DEFAULT);
    DropwizardTestSupport<ApiConfiguration> app =
        new DropwizardTestSupport<>(ApiApplication.class, config.toString());
    app.before();
    return new TestApi(jdbcUrl, config, config.getParent().resolve("blobs"), app);
  }

  /** The request log's file, written when {@link Options#logFiles} is set. */
  Path requestLog() {
    return configFile.resolveSibling(REQUEST_LOG);
  }

  /** The application log's file (INFO and above), written when {@link Options#logFiles} is set. */
  Path appLog() {
    return configFile.resolveSibling(APP_LOG);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.getLocalPort() + path);
  }

  URI adminUri(String path) {
    return URI.create("http://127.0.0.1:" + app.getAdminPort() + path);
  }

  String newApiKey() {
    return Accounts.create(jdbi, "client@example.test").apiKey();
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key).build());
  }

  HttpResponse<String> postImage(String key, byte[] image)
      throws IOException, InterruptedException {
    return send(Multipart.request(uri("/v1/uploads"), key, null, "photo.jpg", "image/jpeg", image));
  }

  @Override
  public void close() {
    app.after();
    try (var paths = Files.walk(configFile.getParent())) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Only a temp directory: the OS reclaims it.
    }
  }
}
