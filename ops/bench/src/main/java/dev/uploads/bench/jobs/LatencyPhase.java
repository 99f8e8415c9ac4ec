package dev.uploads.bench.jobs;

import dev.uploads.infra.LocalPostgres;
import dev.uploads.stack.LocalStack;
import dev.uploads.stack.StackOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * Upload → ready latency on the whole local stack (API, relay, Kafka, thumbnails job) at a moderate
 * fixed rate. Both ends are PostgreSQL's clock: {@code created_at} is set by the API's insert and
 * {@code updated_at} by the thumbnails job's ready transaction, so no client clock is involved.
 */
final class LatencyPhase {
  private static final int WARMUP_UPLOADS = 5;

  private LatencyPhase() {}

  record Run(
      double rate,
      int seconds,
      int sent,
      int accepted,
      Map<Integer, Integer> httpStatuses,
      int httpErrors,
      String firstHttpError,
      double httpP50Millis,
      double httpP99Millis,
      double maxSendLateMillis,
      long ready,
      long failed,
      long stillReceived,
      double waitedSeconds,
      Double p50Millis,
      Double p99Millis,
      Double maxMillis,
      Map<String, Double> cores,
      Map<String, Double> postgresSessions) {}

  static Run run(Path dir, double rate, int seconds, Duration drainTimeout, Consumer<String> say)
      throws Exception {
    StackOptions options = StackOptions.onFreePorts(dir);
    say.accept("latency: starting the local stack (PostgreSQL, Kafka, SMTP, API + relay, worker)");
    LocalStack stack = LocalStack.start(options);
    try {
      Jdbi jdbi =
          Jdbi.create(
                  "jdbc:postgresql://127.0.0.1:" + options.postgresPort() + "/uploads",
                  LocalPostgres.USER,
                  "")
              .installPlugin(new PostgresPlugin());
      // A fresh JVM's first uploads run interpreted code; they would measure the JIT, not the
      // system. A few are sent and awaited first, and left out of the figures.
      List<byte[]> warmup = images(WARMUP_UPLOADS, 1_000);
      var warm = OpenLoop.run(stack.apiUrl(), stack.apiKey(), warmup, 5);
      awaitSettled(jdbi, warm.acceptedIds(), Duration.ofSeconds(30));

      int count = (int) Math.round(rate * seconds);
      List<byte[]> images = images(count, 2_000);
      ProcessCpu cpu = new ProcessCpu(dir.resolve("postgres"));
      say.accept(String.format("latency: %d uploads of 320x240 at %.1f/s", count, rate));
      ProcessCpu.Sample before = cpu.sample();
      OpenLoop.Outcome sent;
      double waited;
      Map<String, Double> sessions;
      try (PgWaits waits = PgWaits.start(jdbi)) {
        sent = OpenLoop.run(stack.apiUrl(), stack.apiKey(), images, rate);
        long waitStart = System.nanoTime();
        awaitSettled(jdbi, sent.acceptedIds(), drainTimeout);
        waited = (System.nanoTime() - waitStart) / 1e9;
        sessions = waits.averages();
      }
      ProcessCpu.Sample after = cpu.sample();

      Histogram latency = new Histogram(Duration.ofHours(1).toNanos() / 1_000, 3);
      long[] byStatus = new long[3];
      UUID[] ids = sent.acceptedIds().stream().map(UUID::fromString).toArray(UUID[]::new);
      jdbi.useHandle(
          h ->
              h.createQuery(
                      """
                      SELECT status,
                             (extract(epoch FROM updated_at - created_at) * 1000000)::bigint AS micros
                      FROM uploads WHERE id = ANY(:ids)
                      """)
                  .bind("ids", ids)
                  .map((rs, ctx) -> new Object[] {rs.getString("status"), rs.getLong("micros")})
                  .forEach(
                      row -> {
                        switch ((String) row[0]) {
                          case "ready" -> {
                            byStatus[0]++;
                            latency.recordValue(
                                Math.min((Long) row[1], latency.getHighestTrackableValue()));
                          }
                          case "failed" -> byStatus[1]++;
                          default -> byStatus[2]++;
                        }
                      }));
      boolean any = latency.getTotalCount() > 0;
      return new Run(
          rate,
          seconds,
          sent.sent(),
          sent.acceptedIds().size(),
          sent.statuses(),
          sent.ioErrors(),
          sent.firstError(),
          sent.httpMicros().getValueAtPercentile(50) / 1000.0,
          sent.httpMicros().getValueAtPercentile(99) / 1000.0,
          sent.maxLateMillis(),
          byStatus[0],
          byStatus[1],
          byStatus[2],
          waited,
          any ? latency.getValueAtPercentile(50) / 1000.0 : null,
          any ? latency.getValueAtPercentile(99) / 1000.0 : null,
          any ? latency.getMaxValue() / 1000.0 : null,
          ProcessCpu.coresBetween(before, after),
          sessions);
    } finally {
      say.accept("latency: stopping the local stack");
      stack.close();
    }
  }

  /** Distinct images, so each upload is its own blob as with real users. */
  private static List<byte[]> images(int count, int seed) {
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      images.add(TexturedJpeg.make(320, 240, seed + i));
    }
    return images;
  }

  /** Until none of the uploads is still {@code received}, or the timeout. */
  private static void awaitSettled(Jdbi jdbi, List<String> ids, Duration timeout)
      throws InterruptedException {
    UUID[] uuids = ids.stream().map(UUID::fromString).toArray(UUID[]::new);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long pending =
          jdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT count(*) FROM uploads WHERE status = 'received' AND id = ANY(:ids)")
                      .bind("ids", uuids)
                      .mapTo(Long.class)
                      .one());
      if (pending == 0) {
        return;
      }
      Thread.sleep(200);
    }
  }
}
