package dev.uploads.stack;

import dev.uploads.api.ApiApplication;
import dev.uploads.api.ApiConfiguration;
import dev.uploads.api.auth.AccountDao;
import dev.uploads.api.auth.Accounts;
import dev.uploads.api.auth.ApiKeys;
import dev.uploads.infra.LocalKafka;
import dev.uploads.infra.LocalPostgres;
import dev.uploads.infra.LocalSmtp;
import dev.uploads.infra.ShutdownOrder;
import dev.uploads.ops.deadletters.Operators;
import dev.uploads.schema.Topics;
import dev.uploads.worker.WorkerApplication;
import dev.uploads.worker.WorkerConfiguration;
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
  private final LocalSmtp smtp;
  private final MailDrop mail;
  private final String apiKey;
  private volatile Server api;
  private volatile Server worker;
  private volatile Path workerConfig;

  private LocalStack(
      StackOptions options, LocalPostgres postgres, LocalKafka kafka, LocalSmtp smtp, String apiKey)
      throws java.io.IOException {
    this.options = options;
    this.postgres = postgres;
    this.kafka = kafka;
    this.smtp = smtp;
    this.mail = new MailDrop(smtp, options.dataDir().resolve("mail"));
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
    // Liquibase (db migrate) would otherwise try to fetch its analytics settings from the internet.
    System.setProperty("liquibase.analytics.enabled", "false");
    Path logs = options.dataDir().resolve("logs");
    Files.createDirectories(logs);
    StackLogging.start(StackConfig.servicesLog(options), options.verbose());
    LocalStack stack = start(options);
    ShutdownOrder.atExit("the local stack", stack::close);
    System.out.printf(
        "Logs in %s (services.log, kafka.log, postgres.log; --verbose shows them here)%n", logs);
    System.out.println(stack.banner());
    Thread.currentThread().join();
  }

  public static LocalStack start(StackOptions options) throws Exception {
    Path data = options.dataDir();
    Path logs = data.resolve("logs");
    Files.createDirectories(logs);
    long step = System.nanoTime();
    // Verbose: the server's output goes through SLF4J to the terminal, as the other services' do.
    LocalPostgres postgres =
        LocalPostgres.start(
            data.resolve("postgres"),
            options.postgresPort(),
            Map.of(),
            options.verbose() ? null : logs.resolve("postgres.log"));
    step = started("PostgreSQL", "127.0.0.1:" + postgres.port(), step);
    LocalKafka kafka;
    try {
      postgres.createDatabaseIfMissing("uploads");
      kafka =
          LocalKafka.start(
              data.resolve("kafka"),
              options.kafkaPort(),
              options.controllerPort(),
              logs.resolve("kafka.log"));
      kafka.createTopics(Topics.all(6));
    } catch (RuntimeException e) {
      postgres.stop();
      throw e;
    }
    step = started("Kafka", kafka.bootstrapServers(), step);
    Path config = StackConfig.write(options, postgres.jdbcUrl("uploads"), kafka.bootstrapServers());
    migrate(config, options.verbose());
    System.out.printf("Database schema up to date in %.1f s%n", (System.nanoTime() - step) / 1e9);
    step = System.nanoTime();
    String key = demoKey(data.resolve("api-key"), postgres.jdbcUrl("uploads"));
    operatorKey(data.resolve("operator-key"), postgres.jdbcUrl("uploads"));
    LocalSmtp smtp = LocalSmtp.start(options.smtpPort());
    step = started("SMTP", "127.0.0.1:" + smtp.port(), step);
    LocalStack stack = new LocalStack(options, postgres, kafka, smtp, key);
    new StackApi(stack).run("server", config.toString());
    step = started("The API and its relay", stack.apiUrl(), step);
    stack.workerConfig =
        StackConfig.writeWorker(options, postgres.jdbcUrl("uploads"), kafka.bootstrapServers());
    stack.startWorker();
    started("The worker", "http://127.0.0.1:" + options.workerAdminPort(), step);
    return stack;
  }

  /** One line per step of the start, like the stop's; returns when the next step starts. */
  private static long started(String what, String where, long since) {
    long now = System.nanoTime();
    System.out.printf("%s started on %s in %.1f s%n", what, where, (now - since) / 1e9);
    return now;
  }

  /**
   * db migrate, with Liquibase's report (the change sets it ran, the update summary) logged rather
   * than printed: the terminal shows third-party output only when the stack is verbose.
   */
  private static void migrate(Path config, boolean verbose) throws Exception {
    if (!verbose) {
      System.setProperty("liquibase.command.showSummaryOutput", "log");
      // Entered for the rest of this JVM, not as a child scope around the command: db migrate
      // leaves a scope of its own open, so such a child scope could not be closed.
      liquibase.Scope.enter(
          Map.of(liquibase.Scope.Attr.ui.name(), new liquibase.ui.LoggerUIService()));
    }
    new ApiApplication().run("db", "migrate", config.toString());
  }

  /**
   * Stops the worker alone (its jobs finish the records in hand, commit and leave their consumer
   * groups), for a benchmark that measures the API without the worker sharing its cores.
   */
  public synchronized void stopWorker() {
    worker = stopQuietly(worker, "worker");
  }

  /** Starts the worker (again); its jobs resume from their groups' committed offsets. */
  public synchronized void startWorker() throws Exception {
    if (worker == null) {
      new StackWorker(this).run("server", workerConfig.toString());
    }
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

  /** An operator key for the admin ports (tasks, /dead-letters), kept like the demo key. */
  private static void operatorKey(Path keyFile, String jdbcUrl) throws Exception {
    Operators operators = new Operators(Jdbi.create(jdbcUrl, LocalPostgres.USER, ""));
    if (Files.exists(keyFile) && operators.verify(Files.readString(keyFile).trim()).isPresent()) {
      return;
    }
    String name = "local-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    Files.writeString(keyFile, operators.add(name) + "\n");
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

  public LocalSmtp smtp() {
    return smtp;
  }

  String banner() {
    return """

        Local stack is up (Ctrl-C stops it; data stays in %s)
          API        %s
          admin      %s   (metrics: /metrics, health: /healthcheck)
          console    %s/console/   (asks for the operator key below)
          worker     http://127.0.0.1:%d/admin   (metrics: /admin/metrics)
          SMTP       127.0.0.1:%d   (received mail is saved to %s)
          PostgreSQL %s   (user postgres, database uploads)
          Kafka      %s   (topic %s)
          API key    %s   (also in %s)
          operator   key in %s   (for the admin ports: tasks, /dead-letters)

        Try:
          curl -i -H "Authorization: Bearer $(cat %s)" -F file=@photo.jpg %s/v1/uploads
          %sops/dead-letters summary
          curl -H "Authorization: Bearer $(cat %s)" %s/dead-letters/summary
        """
        .formatted(
            options.dataDir(),
            apiUrl(),
            adminUrl(),
            adminUrl(),
            options.workerAdminPort(),
            smtp.port(),
            options.dataDir().resolve("mail"),
            postgres.jdbcUrl("uploads"),
            kafka.bootstrapServers(),
            Topics.UPLOADS,
            apiKey,
            options.dataDir().resolve("api-key"),
            options.dataDir().resolve("operator-key"),
            options.dataDir().resolve("api-key"),
            apiUrl(),
            options.postgresPort() == 15432
                ? ""
                : "UPLOADS_DATABASE_URL=" + postgres.jdbcUrl("uploads") + " ",
            options.dataDir().resolve("operator-key"),
            adminUrl());
  }

  /**
   * Services first (the worker finishes the records in hand and commits; the API finishes its
   * requests and hands its relay shards over), then SMTP, Kafka and the database.
   */
  @Override
  public synchronized void close() {
    timed("the worker", () -> worker = stopQuietly(worker, "worker"));
    timed("the API", () -> api = stopQuietly(api, "API"));
    timed(
        "SMTP",
        () -> {
          mail.close();
          smtp.stop();
        });
    timed("Kafka", kafka::stop);
    timed("PostgreSQL", postgres::stop);
  }

  /** One line per step, so that an operator waiting on Ctrl-C sees what the stack is doing. */
  private static void timed(String what, Runnable stop) {
    long start = System.nanoTime();
    stop.run();
    System.out.printf("stopped %s in %.1f s%n", what, (System.nanoTime() - start) / 1e9);
  }

  private static Server stopQuietly(Server server, String name) {
    try {
      if (server != null) {
        server.stop();
      }
    } catch (Exception e) {
      System.err.println(name + " did not stop cleanly: " + e);
    }
    return null;
  }

  /**
   * The worker application, remembering its Jetty server so that the stack can stop it in order.
   */
  private static final class StackWorker extends WorkerApplication {
    private final LocalStack stack;

    StackWorker(LocalStack stack) {
      this.stack = stack;
    }

    @Override
    public void run(WorkerConfiguration config, Environment environment) throws Exception {
      super.run(config, environment);
      environment.lifecycle().addServerLifecycleListener(server -> stack.worker = server);
    }
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
