package dev.uploads.api;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.uploads.api.auth.AddAccountCommand;
import dev.uploads.api.auth.ApiKeyFilter;
import dev.uploads.api.auth.KnownKeys;
import dev.uploads.api.openapi.OpenApiResource;
import dev.uploads.api.outbox.CommitListener;
import dev.uploads.api.problem.CloseAfterRefusedBody;
import dev.uploads.api.problem.ProblemMapper;
import dev.uploads.api.relay.OutboxGauges;
import dev.uploads.api.relay.OutboxRelay;
import dev.uploads.api.relay.RelayCommand;
import dev.uploads.api.relay.RelayMetrics;
import dev.uploads.api.relay.RelayProducer;
import dev.uploads.api.stats.StatsResource;
import dev.uploads.api.upload.UploadDao;
import dev.uploads.api.upload.UploadQueryResource;
import dev.uploads.api.upload.UploadResource;
import dev.uploads.ops.deadletters.DeadLetterGauges;
import dev.uploads.ops.deadletters.OperatorEndpoints;
import dev.uploads.ops.deadletters.http.OperatorKeyFilter;
import dev.uploads.schema.CachedSqlTemplates;
import dev.uploads.schema.OutboxCommits;
import dev.uploads.schema.OutboxNotifier;
import dev.uploads.schema.OutboxSignal;
import dev.uploads.schema.Topics;
import dev.uploads.schema.blob.BlobStore;
import dev.uploads.schema.problem.UnexpectedProblemMapper;
import dev.uploads.schema.problem.WebApplicationProblemMapper;
import dev.uploads.schema.trace.Tracing;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.lifecycle.AutoCloseableManager;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.migrations.MigrationsBundle;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.dropwizard.DropwizardExports;
import io.prometheus.client.dropwizard.samplebuilder.CustomMappingSampleBuilder;
import io.prometheus.client.dropwizard.samplebuilder.MapperConfig;
import io.prometheus.client.servlet.jakarta.exporter.MetricsServlet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

public class ApiApplication extends Application<ApiConfiguration> {
  public static void main(String[] args) throws Exception {
    new ApiApplication().run(args);
  }

  @Override
  public String getName() {
    return "uploads-api";
  }

  @Override
  public void initialize(Bootstrap<ApiConfiguration> bootstrap) {
    // Strict: a variable the configuration names but the environment lacks stops start-up.
    bootstrap.setConfigurationSourceProvider(
        new SubstitutingSourceProvider(
            bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(true)));
    bootstrap.getObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    bootstrap.addBundle(
        new MigrationsBundle<>() {
          @Override
          public DataSourceFactory getDataSourceFactory(ApiConfiguration configuration) {
            return configuration.getDatabase();
          }

          @Override
          public String getMigrationsFileName() {
            return "db/changelog.sql";
          }
        });
    bootstrap.addCommand(new RelayCommand(this));
    bootstrap.addCommand(new AddAccountCommand());
  }

  @Override
  public void run(ApiConfiguration config, Environment environment) throws java.io.IOException {
    if (config.getServerFactory() instanceof DefaultServerFactory server) {
      server.setRegisterDefaultExceptionMappers(false);
    }
    Jdbi jdbi =
        new JdbiFactory()
            .build(environment, config.getDatabase(), "postgresql")
            .installPlugin(new PostgresPlugin());
    CachedSqlTemplates.install(jdbi);
    // Managed first, so stopped last: the spans of the relay's final batch are still sent.
    Tracing tracing = config.getTracing().build(getName());
    environment.lifecycle().manage(new AutoCloseableManager(tracing));
    // Location as the contract writes it (/v1/uploads/{id}), right behind any proxy.
    environment
        .jersey()
        .property(
            org.glassfish.jersey.server.ServerProperties
                .LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED,
            true);
    environment.jersey().register(new ProblemMapper());
    environment.jersey().register(new WebApplicationProblemMapper());
    environment.jersey().register(new UnexpectedProblemMapper());
    environment.jersey().register(new CloseAfterRefusedBody());
    environment.jersey().register(new EndpointMetrics(environment.metrics()));

    // Every commit that appended outbox rows wakes this process's relay at once and NOTIFYs the
    // relays of other instances (Outbox.append registers this with the commit).
    OutboxSignal relayWakeup = new OutboxSignal();
    OutboxNotifier notifier = new OutboxNotifier(jdbi);
    environment
        .lifecycle()
        .manage(
            new Managed() {
              @Override
              public void start() {
                notifier.start();
              }

              @Override
              public void stop() throws InterruptedException {
                notifier.close();
              }
            });
    jdbi.getConfig(OutboxCommits.class)
        .onCommit(
            () -> {
              relayWakeup.raise();
              notifier.committed();
            });
    if (config.isServeUploads()) {
      BlobStore blobs = config.getBlobs().build();
      environment.lifecycle().manage(new AutoCloseableManager(blobs));
      environment.jersey().register(new ApiKeyFilter(jdbi, new KnownKeys(Duration.ofSeconds(30))));
      environment
          .jersey()
          .register(
              new UploadResource(
                  jdbi,
                  blobs,
                  config.getUploads().getMaxSize().toBytes(),
                  environment.metrics(),
                  tracing));
      environment.jersey().register(new UploadQueryResource(jdbi, blobs));
      environment.jersey().register(new StatsResource(jdbi));
      environment.jersey().register(new OpenApiResource());
      scheduleKeyPruning(config, environment, jdbi);
    }

    OutboxGauges gauges =
        new OutboxGauges(
            jdbi, environment.metrics(), config.getRelay().getMaxOldestAge().toJavaDuration());
    environment.healthChecks().register("outbox", gauges);
    if (config.getRelay().isEnabled()) {
      environment.lifecycle().manage(new CommitListener(config.getDatabase(), relayWakeup));
      environment
          .lifecycle()
          .manage(
              new OutboxRelay(
                  jdbi,
                  RelayProducer.create(config.getKafka()),
                  config.getRelay(),
                  relayWakeup,
                  new RelayMetrics(environment.metrics()),
                  tracing));
    }
    // Operators inspect, replay and discard dead letters on the admin port, never the clients'.
    OperatorEndpoints.mount(environment, jdbi, config.getDeadLetters(), tracing);
    // Tasks and operator endpoints on the admin port (server and relay alike) need an operator key.
    OperatorKeyFilter.guard(environment, jdbi, config.getAdminAccess());
    // A request id and a span of the caller's trace on every request. Installed last because a
    // filter mapped "before" the others goes in front of those already there: this one then runs
    // first, and the operator key's refusals carry the headers too.
    RequestContext.install(environment, tracing);
    exposeMetrics(environment, jdbi);
  }

  /**
   * Dead-letter gauges, and every metric in Prometheus' text format at {@code /prometheus} on the
   * admin port, where the alerts and the dashboard in {@code ops/} find them.
   */
  private static void exposeMetrics(Environment environment, Jdbi jdbi) {
    new DeadLetterGauges(jdbi, environment.metrics(), Topics.JOBS);
    CollectorRegistry prometheus = new CollectorRegistry();
    // dead-letters.emails.open -> dead_letters_open{uploads_job="emails"};
    // http.GET /v1/stats.responses.5xx -> http_responses_total{endpoint="GET
    // /v1/stats",status="5xx"}
    new DropwizardExports(
            environment.metrics(),
            EndpointMetrics.samples(
                new CustomMappingSampleBuilder(
                    List.of(
                        new MapperConfig(
                            "dead-letters.*.*",
                            "dead_letters_${1}",
                            Map.of("uploads_job", "${0}"))))))
        .register(prometheus);
    environment
        .admin()
        .addServlet("prometheus", new MetricsServlet(prometheus))
        .addMapping("/prometheus");
  }

  private static void scheduleKeyPruning(
      ApiConfiguration config, Environment environment, Jdbi jdbi) {
    ScheduledExecutorService maintenance =
        environment.lifecycle().scheduledExecutorService("idempotency-keys").threads(1).build();
    double retention = config.getUploads().getIdempotencyKeyRetention().toSeconds();
    maintenance.scheduleWithFixedDelay(
        () -> jdbi.useExtension(UploadDao.class, dao -> dao.forgetKeysOlderThan(retention)),
        1,
        10,
        TimeUnit.MINUTES);
  }
}
