package dev.uploads.bench.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * What the database's client sessions were doing during a phase, sampled from pg_stat_activity
 * every 100 ms: running ("active, CPU"), waiting on the WAL flush of a commit ("active,
 * IO:WALSync"), on a row lock, or idle in a transaction while the client (the worker) works ("idle
 * in transaction, Client:ClientRead"). It tells whether a job waits for PostgreSQL or PostgreSQL
 * waits for the job, which CPU totals alone cannot.
 */
final class PgWaits implements AutoCloseable {
  private static final long INTERVAL_MS = 100;

  private final Jdbi jdbi;
  private final Map<String, Integer> counts = new TreeMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private int samples;

  private PgWaits(Jdbi jdbi) {
    this.jdbi = jdbi;
    this.thread = new Thread(this::loop, "bench-pg-waits");
    thread.setDaemon(true);
  }

  static PgWaits start(Jdbi jdbi) {
    PgWaits waits = new PgWaits(jdbi);
    waits.thread.start();
    return waits;
  }

  private void loop() {
    try {
      jdbi.useHandle(
          h -> {
            while (running) {
              List<String> states =
                  h.createQuery(
                          """
                          SELECT state || ', ' || coalesce(wait_event_type || ':' || wait_event, 'CPU')
                          FROM pg_stat_activity
                          WHERE backend_type = 'client backend' AND state <> 'idle'
                            AND pid <> pg_backend_pid()
                          """)
                      .mapTo(String.class)
                      .list();
              synchronized (counts) {
                samples++;
                states.forEach(s -> counts.merge(s, 1, Integer::sum));
              }
              Thread.sleep(INTERVAL_MS);
            }
          });
    } catch (Exception e) {
      // The database stopping ends sampling; whatever was collected is still reported.
    }
  }

  /** Average number of sessions in each state, most frequent first. */
  Map<String, Double> averages() {
    synchronized (counts) {
      Map<String, Double> out = new LinkedHashMap<>();
      int n = Math.max(1, samples);
      counts.entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
          .forEach(e -> out.put(e.getKey(), Math.round(e.getValue() * 100.0 / n) / 100.0));
      return out;
    }
  }

  static String describe(Map<String, Double> averages) {
    return averages.isEmpty()
        ? "no busy sessions seen"
        : averages.entrySet().stream()
            .limit(5)
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining("; "));
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5_000);
  }
}
