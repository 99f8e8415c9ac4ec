package dev.uploads.worker.runtime;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.lifecycle.Managed;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the database, every few seconds, each job's consumer lag and this process's breaker states,
 * so that the operators' console can show them without calling any worker. A worker that stops
 * cleanly removes its rows; one that dies leaves them ageing, and the console shows it silent.
 */
public final class WorkerStatus implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerStatus.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final long EVERY_SECONDS = 5;

  private final Jdbi jdbi;
  private final MetricRegistry metrics;
  private final Breakers breakers;
  private final List<String> jobs;
  private final String instance;
  private ScheduledExecutorService timer;

  public WorkerStatus(Jdbi jdbi, MetricRegistry metrics, Breakers breakers, List<String> jobs) {
    this.jdbi = jdbi;
    this.metrics = metrics;
    this.breakers = breakers;
    this.jobs = List.copyOf(jobs);
    this.instance = host() + ":" + ProcessHandle.current().pid();
  }

  @Override
  public void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "worker-status");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::reportQuietly, 0, EVERY_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void stop() throws InterruptedException {
    timer.shutdownNow();
    timer.awaitTermination(5, TimeUnit.SECONDS);
    try {
      jdbi.useHandle(
          h ->
              h.createUpdate("DELETE FROM worker_status WHERE instance = :instance")
                  .bind("instance", instance)
                  .execute());
    } catch (RuntimeException e) {
      LOG.debug("worker status not removed; it ages out", e);
    }
  }

  private void reportQuietly() {
    try {
      report();
    } catch (RuntimeException e) {
      // The database is down or slow; the console shows this worker as silent meanwhile.
      LOG.debug("worker status not reported", e);
    }
  }

  void report() {
    String states;
    try {
      states = JSON.writeValueAsString(breakers.states());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    jdbi.useTransaction(
        h -> {
          var batch =
              h.prepareBatch(
                  "INSERT INTO worker_status (instance, job, lag, breakers, seen_at)"
                      + " VALUES (:instance, :job, :lag, CAST(:breakers AS jsonb), now())"
                      + " ON CONFLICT (instance, job) DO UPDATE SET lag = excluded.lag,"
                      + " breakers = excluded.breakers, seen_at = excluded.seen_at");
          for (String job : jobs) {
            batch
                .bind("instance", instance)
                .bind("job", job)
                .bind("lag", lag(job))
                .bind("breakers", states)
                .add();
          }
          batch.execute();
        });
  }

  private Long lag(String job) {
    Gauge<?> gauge = metrics.getGauges().get(MetricRegistry.name("job", job, "consumer-lag"));
    return gauge != null && gauge.getValue() instanceof Number n ? n.longValue() : null;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
