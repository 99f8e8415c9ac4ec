package dev.uploads.bench.suite;

import dev.uploads.bench.stack.KafkaTopics;
import dev.uploads.bench.stack.Quiescence;
import dev.uploads.bench.stack.Sql;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * The system's backlog during a load, sampled every 2 s: outbox rows not yet relayed plus records
 * the worker's jobs have not yet committed. The system keeps up when the backlog at the end of the
 * window is no larger than at its start, give or take a second of load.
 */
final class BacklogWatch implements AutoCloseable {
  private static final long INTERVAL_MS = 2_000;

  private final String uploadsDb;
  private final String bootstrap;
  private final List<Long> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String failure;

  BacklogWatch(String uploadsDb, String bootstrap) {
    this.uploadsDb = uploadsDb;
    this.bootstrap = bootstrap;
    this.thread = new Thread(this::loop, "bench-backlog-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try (Connection c = Sql.connect(uploadsDb);
        KafkaTopics kafka = new KafkaTopics(bootstrap)) {
      while (running) {
        long outbox = Sql.queryLong(c, "SELECT count(*) FROM outbox");
        long lag = Quiescence.workerLag(kafka).values().stream().mapToLong(Long::longValue).sum();
        synchronized (samples) {
          samples.add(outbox + lag);
        }
        Thread.sleep(INTERVAL_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure = e.toString();
    }
  }

  List<Long> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** Mean of the last quarter of the samples minus the mean of the first quarter; null if < 4. */
  Double growth() {
    List<Long> s = samples();
    if (s.size() < 4) {
      return null;
    }
    int quarter = s.size() / 4;
    double first = s.subList(0, quarter).stream().mapToLong(Long::longValue).average().orElse(0);
    double last =
        s.subList(s.size() - quarter, s.size()).stream()
            .mapToLong(Long::longValue)
            .average()
            .orElse(0);
    return last - first;
  }

  String failure() {
    return failure;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(15_000);
  }
}
