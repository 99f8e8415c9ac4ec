package dev.uploads.bench.suite;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives {@code POST /v1/uploads} from a fixed set of threads, one keep-alive connection each, in
 * the load generator's JVM ({@link LoadGenerator}). Open loop: request i is due at {@code start + i
 * / rate}, whoever sends it; its latency counts from that due time, so a stalled server shows up as
 * latency instead of as fewer requests (no coordinated omission). Threads are only a pool of
 * connections, generously sized.
 */
final class HttpLoad {
  private HttpLoad() {}

  static LoadResult openLoop(
      InetSocketAddress target,
      List<byte[]> requests,
      double rate,
      int connections,
      Duration measure)
      throws InterruptedException {
    long start = System.nanoTime() + 100_000_000L; // let every thread reach its first due time
    long end = start + measure.toNanos();
    double periodNanos = 1e9 / rate;
    AtomicLong next = new AtomicLong();
    List<LoadResult.Tally> tallies = new ArrayList<>();
    List<Thread> started = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      LoadResult.Tally tally = new LoadResult.Tally();
      tallies.add(tally);
      Runnable worker =
          () -> {
            try (HttpConnection connection = new HttpConnection(target)) {
              for (long t = next.getAndIncrement(); ; t = next.getAndIncrement()) {
                long due = start + (long) (t * periodNanos);
                if (due >= end) {
                  return;
                }
                for (long wait = due - System.nanoTime();
                    wait > 0;
                    wait = due - System.nanoTime()) {
                  LockSupport.parkNanos(wait);
                }
                try {
                  int status = connection.exchange(requests.get((int) (t % requests.size())));
                  tally.status(
                      status, (System.nanoTime() - due) / 1_000, connection.lastErrorBody());
                } catch (IOException | RuntimeException e) {
                  tally.ioError(e);
                  LockSupport.parkNanos(10_000_000L); // a refused connection is no busy loop
                }
              }
            }
          };
      Thread thread = new Thread(worker, "bench-load-" + i);
      thread.setDaemon(true);
      thread.start();
      started.add(thread);
    }
    // Each thread stops at the end plus at most one request (bounded by the read timeout).
    long joinDeadline = end + Duration.ofSeconds(45).toNanos();
    for (Thread thread : started) {
      thread.join(Math.max(1, (joinDeadline - System.nanoTime()) / 1_000_000));
      if (thread.isAlive()) {
        throw new IllegalStateException(thread.getName() + " did not finish in time");
      }
    }
    return LoadResult.Tally.merge(tallies, measure.toNanos() / 1e9);
  }
}
