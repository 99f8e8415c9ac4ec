package dev.uploads.stack;

import dev.uploads.api.ApiApplication;
import dev.uploads.api.ApiConfiguration;
import dev.uploads.api.auth.AccountDao;
import dev.uploads.api.auth.Accounts;
import dev.uploads.api.auth.ApiKeys;
import dev.uploads.infra.LocalKafka;
import dev.uploads.infra.LocalPostgres;
import dev.uploads.schema.Topics;
import io.dropwizard.core.setup.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * The whole system on one machine: a real PostgreSQL and Kafka broker with their data under the
 * data directory, the API with its relay, and a demo account. Stops cleanly on Ctrl-C.
 */
public final class LocalStack implements AutoCloseable {
  private final StackOptions options;
  private final LocalPostgres postgres;
  private final LocalKafka kafka;
  private final String apiKey;
  private volatile Server api;

  private LocalStack(
      StackOptions options, LocalPostgres postgres, LocalKafka kafka, String apiKey) {
    this.options = options;
    this.postgres = postgres;
    this.kafka = kafka;
    this.apiKey = apiKey;
  }

  public static void main(String[] args) throws Exception {
    StackOptions options;
    try {
      options = StackOptions.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    LocalStack stack = start(options);
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-stop"));
    System.out.println(stack.banner());
    Thread.currentThread().join();
  }

  public static LocalStack start(StackOptions options) throws Exception {
    Path data = options.dataDir();
    Files.createDirectories(data);
    LocalPostgres postgres =
        LocalPostgres.start(data.resolve("postgres"), options.postgresPort(), Map.of());
    LocalKafka kafka;
    try {
      postgres.createDatabaseIfMissing("uploads");
      kafka =
          LocalKafka.start(data.resolve("kafka"), options.kafkaPort(), options.controllerPort());
      kafka.createTopics(Map.of(Topics.UPLOADS, 6));
    } catch (RuntimeException e) {
      postgres.stop();
      throw e;
    }
    Path config = StackConfig.write(options, postgres.jdbcUrl("uploads"), kafka.bootstrapServers());
    new ApiApplication().run("db", "migrate", config.toString());
    String key = demoKey(data.resolve("api-key"), postgres.jdbcUrl("uploads"));
    LocalStack stack = new LocalStack(options, postgres, kafka, key);
    new StackApi(stack).run("server", config.toString());
    return stack;
  }

  /** The key in the data directory while the database still knows it, else a new account's. */
  private static String demoKey(Path keyFile, String jdbcUrl) throws Exception {
    Jdbi jdbi = Jdbi.create(jdbcUrl, LocalPostgres.USER, "").installPlugin(new SqlObjectPlugin());
    if (Files.exists(keyFile)) {
      String key = Files.readString(keyFile).trim();
      if (jdbi.onDemand(AccountDao.class).findAccountByKeyHash(ApiKeys.hash(key)).isPresent()) {
        return key;
      }
    }
    String key = Accounts.create(jdbi, "demo@localhost").apiKey();
    Files.writeString(keyFile, key + "\n");
    return key;
  }

  public String apiKey() {
    return apiKey;
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + options.apiPort();
  }

  public String adminUrl() {
    return "http://127.0.0.1:" + options.adminPort();
  }

  public String kafkaBootstrap() {
    return kafka.bootstrapServers();
  }

  String banner() {
    return """

        Local stack is up (Ctrl-C stops it; data stays in %s)
          API        %s
          admin      %s   (metrics: /metrics, health: /healthcheck)
          PostgreSQL %s   (user postgres, database uploads)
          Kafka      %s   (topic %s)
          API key    %s   (also in %s)

        Try:
          curl -i -H "Authorization: Bearer $(cat %s)" -F file=@photo.jpg %s/v1/uploads
        """
        .formatted(
            options.dataDir(),
            apiUrl(),
            adminUrl(),
            postgres.jdbcUrl("uploads"),
            kafka.bootstrapServers(),
            Topics.UPLOADS,
            apiKey,
            options.dataDir().resolve("api-key"),
            options.dataDir().resolve("api-key"),
            apiUrl());
  }

  /**
   * API first (it finishes requests and hands its relay shards over), then Kafka, then the
   * database.
   */
  @Override
  public synchronized void close() {
    try {
      if (api != null) {
        api.stop();
        api = null;
      }
    } catch (Exception e) {
      System.err.println("API did not stop cleanly: " + e);
    }
    kafka.stop();
    postgres.stop();
  }

  /** The API application, remembering its Jetty server so that the stack can stop it in order. */
  private static final class StackApi extends ApiApplication {
    private final LocalStack stack;

    StackApi(LocalStack stack) {
      this.stack = stack;
    }

    @Override
    public void run(ApiConfiguration config, Environment environment) throws java.io.IOException {
      super.run(config, environment);
      environment.lifecycle().addServerLifecycleListener(server -> stack.api = server);
    }
  }
}
