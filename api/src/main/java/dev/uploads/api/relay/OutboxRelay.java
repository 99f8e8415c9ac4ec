package dev.uploads.api.relay;

import dev.uploads.api.outbox.OutboxDao;
import dev.uploads.api.outbox.OutboxRow;
import dev.uploads.schema.OutboxSignal;
import dev.uploads.schema.trace.Hop;
import dev.uploads.schema.trace.Tracing;
import io.dropwizard.lifecycle.Managed;
import io.github.resilience4j.core.IntervalFunction;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves committed outbox rows to Kafka, at least once and in commit order per key. Each cycle reads
 * a batch of the oldest rows of the shards this instance leases, sends them all without waiting in
 * between (the producer batches and pipelines them), waits for the acknowledgements, and only then
 * deletes the acknowledged rows. A failed send leaves its row, and every later row of the same key,
 * in the outbox for the next cycle; failing cycles back off exponentially.
 */
public final class OutboxRelay implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

  private final Jdbi jdbi;
  private final Producer<byte[], byte[]> producer;
  private final RelaySettings settings;
  private final OutboxSignal wakeup;
  private final RelayMetrics metrics;
  private final Tracing tracing;
  private final ShardLeases leases;
  private final IntervalFunction backoff;
  private final long window;
  private long lastCycle = System.nanoTime();
  private final String instanceId = "relay-" + UUID.randomUUID();
  private volatile boolean running;
  private Thread thread;

  public OutboxRelay(
      Jdbi jdbi,
      Producer<byte[], byte[]> producer,
      RelaySettings settings,
      OutboxSignal wakeup,
      RelayMetrics metrics,
      Tracing tracing) {
    this.jdbi = jdbi;
    this.tracing = tracing;
    this.producer = producer;
    this.settings = settings;
    this.wakeup = wakeup;
    this.metrics = metrics;
    this.window = settings.getBatchWindow().toMilliseconds();
    this.leases = new ShardLeases(jdbi, instanceId, settings.getLeaseDuration().toJavaDuration());
    this.backoff =
        IntervalFunction.ofExponentialRandomBackoff(
            settings.getBackoffInitial().toMilliseconds(),
            2.0,
            0.5,
            settings.getBackoffMax().toMilliseconds());
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::loop, instanceId);
    thread.start();
  }

  private void loop() {
    long renewEveryNanos = settings.getLeaseDuration().toNanoseconds() / 5;
    long nextRenewal = System.nanoTime();
    int failures = 0;
    while (running) {
      try {
        if (System.nanoTime() >= nextRenewal) {
          leases.refresh();
          metrics.ownedShards(leases.owned().length);
          nextRenewal = System.nanoTime() + renewEveryNanos;
        }
        short[] shards = leases.owned();
        lastCycle = System.nanoTime();
        int published = shards.length == 0 ? 0 : publishBatch(shards);
        failures = 0;
        if (published < settings.getBatchSize()) {
          boolean signalled =
              wakeup.await(
                  Math.min(
                      settings.getPollInterval().toMilliseconds(), renewEveryNanos / 1_000_000));
          // Cycles start at most once per batch window: a commit after a quiet spell is read at
          // once, while under load the commits of a window share one read, one produce request
          // and one delete instead of a cycle each.
          long sinceLast = (System.nanoTime() - lastCycle) / 1_000_000;
          if (signalled && sinceLast < window && !sleep(window - sinceLast)) {
            break;
          }
        }
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        metrics.publishFailed();
        long wait = backoff.apply(++failures);
        LOG.warn(
            "relay cycle failed (attempt {}), retrying in {} ms: {}", failures, wait, e.toString());
        if (!sleep(wait)) {
          break;
        }
      }
    }
  }

  /**
   * Publishes one batch; returns how many rows it read. Fenced by the shard leases twice: no row is
   * handed to the producer once this instance's leases lapsed by its own clock (a stall between the
   * read and the sends, such as a long GC pause or a frozen container, must not publish rows that
   * another relay owns by then), and the delete removes only rows of shards whose lease this
   * instance still holds in the database. Whatever a fence stops stays in the outbox for the new
   * owner: at worst a duplicate, never a loss.
   */
  int publishBatch(short[] shards) {
    List<OutboxRow> rows =
        jdbi.withHandle(h -> OutboxDao.oldest(h, shards, settings.getBatchSize()));
    if (rows.isEmpty()) {
      return 0;
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>(rows.size());
    RuntimeException sendFailure = null;
    for (OutboxRow row : rows) {
      if (!leases.held()) {
        break;
      }
      try {
        sent.add(send(row));
      } catch (RuntimeException e) {
        sendFailure = e;
        break;
      }
    }
    producer.flush();
    long[] done = acknowledgedInKeyOrder(rows, sent);
    int deleted =
        done.length == 0
            ? 0
            : jdbi.withHandle(h -> OutboxDao.deleteHeld(h, done, leases.instance()));
    metrics.published(deleted);
    int fenced = (rows.size() - sent.size()) + (done.length - deleted);
    if (sendFailure == null && fenced > 0) {
      metrics.fenced(fenced);
      LOG.warn(
          "shard leases lapsed during a relay cycle: {} of {} rows left to their new owner"
              + " ({} not sent, {} sent but not deleted)",
          fenced,
          rows.size(),
          rows.size() - sent.size(),
          done.length - deleted);
      return 0;
    }
    if (sendFailure != null || done.length < rows.size()) {
      throw new IllegalStateException(
          (rows.size() - done.length) + " of " + rows.size() + " events not acknowledged",
          sendFailure);
    }
    return rows.size();
  }

  /**
   * Hands one row to the producer in a span of its own, a child of the row's: the record carries
   * this span, which ends when the broker acknowledged the record or refused it.
   */
  private Future<RecordMetadata> send(OutboxRow row) {
    long committedAt = row.createdAt().toEpochMilli();
    try (Hop publish =
        tracing.hop("relay publish " + row.topic(), SpanKind.PRODUCER, row.traceparent())) {
      publish
          .attribute("messaging.system", "kafka")
          .attribute("messaging.operation.type", "send")
          .attribute("messaging.destination.name", row.topic())
          .attribute("messaging.message.id", row.eventId().toString())
          .attribute("messaging.kafka.message.key", row.eventKey());
      LOG.debug(
          "relaying event {} ({}, key {}) to {}",
          row.eventId(),
          row.eventType(),
          row.eventKey(),
          row.topic());
      Future<RecordMetadata> sent;
      try {
        sent =
            producer.send(
                RelayRecords.toRecord(row, publish.traceparent()),
                acknowledged(publish.span(), committedAt));
      } catch (RuntimeException e) {
        publish.failed(e);
        throw e;
      }
      publish.endsElsewhere();
      return sent;
    }
  }

  private Callback acknowledged(Span span, long committedAt) {
    return (metadata, error) -> {
      if (error == null) {
        metrics.acknowledged(System.currentTimeMillis() - committedAt);
        span.setAttribute(
            "messaging.destination.partition.id", Integer.toString(metadata.partition()));
        span.setAttribute("messaging.kafka.offset", metadata.offset());
      } else {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
      }
      span.end();
    };
  }

  /**
   * The ids that may leave the outbox: acknowledged, and not behind an unacknowledged row of the
   * same key (that one is sent again first, so the key's order holds).
   */
  static long[] acknowledgedInKeyOrder(List<OutboxRow> rows, List<Future<RecordMetadata>> sent) {
    Set<String> blocked = new HashSet<>();
    long[] ids = new long[rows.size()];
    int count = 0;
    for (int i = 0; i < rows.size(); i++) {
      OutboxRow row = rows.get(i);
      boolean acked = i < sent.size() && succeeded(sent.get(i));
      if (!acked) {
        blocked.add(row.eventKey());
      } else if (!blocked.contains(row.eventKey())) {
        ids[count++] = row.id();
      }
    }
    return java.util.Arrays.copyOf(ids, count);
  }

  private static boolean succeeded(Future<RecordMetadata> future) {
    try {
      future.get(0, TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }

  private static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** Finishes the batch in hand, hands the shards over, and closes the producer. */
  @Override
  public void stop() throws InterruptedException {
    running = false;
    wakeup.raise();
    thread.join(30_000);
    if (thread.isAlive()) {
      thread.interrupt();
      thread.join(5_000);
    }
    try {
      leases.releaseAll();
    } catch (RuntimeException e) {
      LOG.warn("could not release shard leases; they expire by themselves: {}", e.toString());
    }
    producer.close(java.time.Duration.ofSeconds(10));
  }
}
