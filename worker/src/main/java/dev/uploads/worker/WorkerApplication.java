package dev.uploads.worker;

import com.codahale.metrics.MetricRegistry;
import dev.uploads.ops.deadletters.http.OperatorKeyFilter;
import dev.uploads.schema.CachedSqlTemplates;
import dev.uploads.schema.OutboxCommits;
import dev.uploads.schema.OutboxNotifier;
import dev.uploads.schema.blob.BlobStore;
import dev.uploads.schema.trace.Tracing;
import dev.uploads.worker.emails.EmailJob;
import dev.uploads.worker.emails.Mailer;
import dev.uploads.worker.runtime.Breakers;
import dev.uploads.worker.runtime.Job;
import dev.uploads.worker.runtime.JobMetrics;
import dev.uploads.worker.runtime.JobRunner;
import dev.uploads.worker.runtime.JobSettings;
import dev.uploads.worker.runtime.WorkerStatus;
import dev.uploads.worker.stats.StatsJob;
import dev.uploads.worker.thumbnails.ThumbnailJob;
import dev.uploads.worker.thumbnails.Thumbnailer;
import dev.uploads.worker.thumbnails.UploadMetrics;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/** The worker service: one consumer group per job, metrics and health on the admin port. */
public class WorkerApplication extends Application<WorkerConfiguration> {
  public static void main(String[] args) throws Exception {
    new WorkerApplication().run(args);
  }

  @Override
  public String getName() {
    return "uploads-worker";
  }

  @Override
  public void initialize(Bootstrap<WorkerConfiguration> bootstrap) {
    bootstrap.setConfigurationSourceProvider(
        new SubstitutingSourceProvider(
            bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(true)));
    bootstrap.addBundle(
        new MigrationsBundle<>() {
          @Override
          public DataSourceFactory getDataSourceFactory(WorkerConfiguration configuration) {
            return configuration.getDatabase();
          }

          @Override
          public String getMigrationsFileName() {
            return "db/changelog.sql";
          }
        });
  }

  @Override
  public void run(WorkerConfiguration config, Environment environment) throws Exception {
    Jdbi jdbi =
        new JdbiFactory()
            .build(environment, config.getDatabase(), "postgresql")
            .installPlugin(new PostgresPlugin());
    CachedSqlTemplates.install(jdbi);
    // Managed first, so stopped last: the spans of the jobs' final batches are still sent.
    Tracing tracing = config.getTracing().build(getName());
    environment.lifecycle().manage(new AutoCloseableManager(tracing));
    // The events the jobs append (upload.thumbnailed, email.sent, dead letters) reach the relays
    // at once through a NOTIFY after each commit, not at the relays' next poll.
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
    jdbi.getConfig(OutboxCommits.class).onCommit(notifier::committed);
    MetricRegistry metrics = environment.metrics();
    Breakers breakers =
        new Breakers(
            config.getBreakers().getFailuresToOpen(),
            config.getBreakers().getOpenFor().toJavaDuration(),
            metrics);
    BlobStore blobs = config.getBlobs().build();
    environment.lifecycle().manage(new AutoCloseableManager(blobs));
    WorkerConfiguration.Thumbnails thumbnails = config.getJobs().getThumbnails();
    int[] widths = thumbnails.getWidths().stream().mapToInt(Integer::intValue).toArray();
    List<String> running = new java.util.ArrayList<>();
    manage(
        environment,
        config,
        jdbi,
        breakers,
        running,
        tracing,
        new ThumbnailJob(
            jdbi,
            blobs,
            breakers.of("blobs"),
            new Thumbnailer(thumbnails.getMaxPixels(), widths),
            new UploadMetrics(metrics)),
        thumbnails);
    Mailer mailer = new Mailer(config.getSmtp());
    // Registered before the emails job, so stopped after it: its pooled connections close last.
    environment
        .lifecycle()
        .manage(
            new Managed() {
              @Override
              public void stop() {
                mailer.close();
              }
            });
    manage(
        environment,
        config,
        jdbi,
        breakers,
        running,
        tracing,
        new EmailJob(jdbi, mailer, breakers.of("smtp")),
        config.getJobs().getEmails());
    manage(
        environment,
        config,
        jdbi,
        breakers,
        running,
        tracing,
        new StatsJob(jdbi),
        config.getJobs().getStats());
    environment.lifecycle().manage(new WorkerStatus(jdbi, metrics, breakers, running));
    exposeMetrics(environment);
    // Tasks such as log-level act on the running worker: they need an operator key.
    OperatorKeyFilter.guard(environment, jdbi, config.getAdminAccess());
  }

  /** Every metric in Prometheus' text format at {@code /prometheus} under the admin path. */
  private static void exposeMetrics(Environment environment) {
    CollectorRegistry prometheus = new CollectorRegistry();
    // job.emails.dead-lettered -> job_dead_lettered_total{uploads_job="emails"},
    // breaker.smtp.state-code -> breaker_state{breaker="smtp"},
    // uploads.ready-within-seconds.30 -> uploads_ready_within_seconds_total{le="30"},
    // uploads.failed.image_too_large -> uploads_failed_total{code="image_too_large"}
    new DropwizardExports(
            environment.metrics(),
            new CustomMappingSampleBuilder(
                List.of(
                    new MapperConfig("job.*.*", "job_${1}", Map.of("uploads_job", "${0}")),
                    new MapperConfig(
                        "breaker.*.state-code", "breaker_state", Map.of("breaker", "${0}")),
                    new MapperConfig(
                        "uploads.ready-within-seconds.*",
                        "uploads_ready_within_seconds",
                        Map.of("le", "${0}")),
                    new MapperConfig(
                        "uploads.failed.*", "uploads_failed", Map.of("code", "${0}")))))
        .register(prometheus);
    environment
        .admin()
        .addServlet("prometheus", new MetricsServlet(prometheus))
        .addMapping("/prometheus");
  }

  private static void manage(
      Environment environment,
      WorkerConfiguration config,
      Jdbi jdbi,
      Breakers breakers,
      List<String> running,
      Tracing tracing,
      Job job,
      JobSettings settings) {
    if (!settings.isEnabled()) {
      return;
    }
    running.add(job.name());
    JobMetrics metrics = new JobMetrics(environment.metrics(), job.name());
    JobRunner runner =
        new JobRunner(
            job,
            settings,
            () -> consumer(config.getKafka(), job.name(), pollSize(job, settings)),
            jdbi,
            breakers,
            metrics,
            tracing);
    environment.lifecycle().manage(runner);
    environment.healthChecks().register("job-" + job.name(), runner.healthCheck());
  }

  /**
   * Records per poll: enough to give every lane a full batch. The runner waits for all lanes and
   * commits before it polls again, so a batching job fed 500 records at a time spent its time in
   * that cycle rather than in its batches (stats: 18,400 events/s at 500 per poll, 28,500 at
   * 2,000).
   */
  static int pollSize(Job job, JobSettings settings) {
    return Math.max(500, job.batchSize() * settings.getConcurrency());
  }

  private static KafkaConsumer<byte[], byte[]> consumer(
      WorkerConfiguration.Kafka kafka, String group, int pollSize) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-" + java.util.UUID.randomUUID());
    // Offsets are committed by the runtime after the effects are durable, never on a timer.
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(pollSize));
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "600000");
    // Also the rebalance timeout: a rejoin may wait that long at the group coordinator, and a
    // connection closed as idle meanwhile (default 540,000 ms) disrupts it, as the client warns at
    // every start. Kept above the poll interval rather than lowering that interval, which gives a
    // full poll of slow jobs (thumbnails) room to finish before the group moves its partitions.
    p.put(ConsumerConfig.CONNECTIONS_MAX_IDLE_MS_CONFIG, "660000");
    // A worker that dies or is cut off gives its partitions up after 10 s rather than the client's
    // default 45 s: that is how long its share of the events waits. Heartbeats come from a thread
    // of their own, so a slow job is not mistaken for a dead worker (the poll interval covers it).
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
    // A fetch waits up to 200 ms for 64 KiB rather than answering as soon as one record arrived:
    // each job then takes tens of events per fetch, poll, batch transaction and offset commit
    // instead of one or two, which was most of the broker's and the consumers' CPU per upload
    // (the suite's end to end at 135 uploads/s: 7.8 CPU-ms per upload with 50 ms, 6.5 with 200;
    // upload -> ready p50 41 -> 138 ms). An idle topic costs 5 fetches a second per consumer.
    // kafka.consumer overrides both, e.g. fetch.max.wait.ms: 50 where latency matters more.
    p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(64 * 1024));
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
    p.putAll(kafka.getConsumer());
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
