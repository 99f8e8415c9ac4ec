package dev.uploads.worker.runtime;

import com.codahale.metrics.health.HealthCheck;
import dev.uploads.schema.Topics;
import dev.uploads.schema.trace.Tracing;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop of one job. Each polled batch is split into lanes by key, lanes run in parallel
 * and each applies its records one after another, so a key's events keep their order while other
 * keys proceed. Offsets are committed only after the batch's effects are durable; a record that met
 * a dependency outage is delivered again after a pause.
 */
public final class JobRunner implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  private static final long PAUSE_AT_LEAST_MS = 1_000;

  private final Job job;
  private final Supplier<Consumer<byte[], byte[]>> consumers;
  private final Attempts attempts;
  private final Breakers breakers;
  private final JobMetrics metrics;
  private final ExecutorService lanes;
  private final int concurrency;
  private volatile boolean running;
  private volatile String failure;
  private Thread thread;

  public JobRunner(
      Job job,
      JobSettings settings,
      Supplier<Consumer<byte[], byte[]>> consumers,
      org.jdbi.v3.core.Jdbi jdbi,
      Breakers breakers,
      JobMetrics metrics,
      Tracing tracing) {
    this.job = job;
    this.consumers = consumers;
    this.breakers = breakers;
    this.metrics = metrics;
    this.concurrency = settings.getConcurrency();
    this.attempts = new Attempts(job, settings, jdbi, metrics, tracing);
    this.lanes =
        Executors.newFixedThreadPool(
            concurrency, r -> new Thread(r, "job-" + job.name() + "-lane"));
  }

  List<String> topics() {
    List<String> topics = new ArrayList<>(List.of(Topics.UPLOADS, Topics.redrive(job.name())));
    topics.addAll(job.extraTopics());
    return topics;
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::loop, "job-" + job.name());
    thread.start();
  }

  /**
   * Consumes until stopped. A failure that ends the consumer loop (anything but the expected ones
   * handled inside) closes the consumer, which hands its partitions to the group, and starts a new
   * one after a back-off, so that a job never stops for good while its process runs on.
   */
  private void loop() {
    int failures = 0;
    while (running) {
      try {
        consume();
        return;
      } catch (RuntimeException e) {
        failures++;
        failure = e.toString();
        metrics.restarted();
        long wait = Math.min(30_000L, 1_000L << Math.min(failures - 1, 5));
        LOG.error(
            "job {} failed ({} in a row); a new consumer starts in {} ms: {}",
            job.name(),
            failures,
            wait,
            e.toString(),
            e);
        try {
          Thread.sleep(wait);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  private void consume() {
    try (Consumer<byte[], byte[]> consumer = consumers.get()) {
      consumer.subscribe(topics());
      long pausedAt = -1;
      long lagCheckedAt = 0;
      while (running) {
        if (pausedAt >= 0
            && System.currentTimeMillis() - pausedAt >= PAUSE_AT_LEAST_MS
            && breakers.allPermit()) {
          consumer.resume(consumer.paused());
          pausedAt = -1;
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        failure = null;
        if (System.currentTimeMillis() - lagCheckedAt > 5_000) {
          metrics.lag(lag(consumer));
          lagCheckedAt = System.currentTimeMillis();
        }
        if (records.isEmpty()) {
          continue;
        }
        Batch batch = process(records);
        commit(consumer, batch);
        Set<TopicPartition> assigned = consumer.assignment();
        batch.rewinds.forEach(
            (partition, offset) -> {
              if (assigned.contains(partition)) {
                consumer.seek(partition, offset);
              }
            });
        if (batch.dependencyDown) {
          LOG.warn("job {}: a dependency is down; pausing its partitions", job.name());
          consumer.pause(consumer.assignment());
          pausedAt = System.currentTimeMillis();
        }
      }
    }
  }

  /**
   * Commits the batch's offsets. When the group moved partitions meanwhile (this worker was paused
   * or cut off past its session, or another one joined), the commit is refused: the batch's effects
   * stay applied, and the partitions' next owner, which reads from the last committed offsets,
   * skips each of those events by its id (processed_events). The loop goes on and rejoins.
   */
  private void commit(Consumer<byte[], byte[]> consumer, Batch batch) {
    try {
      consumer.commitSync(batch.commits);
    } catch (CommitFailedException | RebalanceInProgressException e) {
      metrics.commitRefused();
      LOG.warn(
          "job {}: offsets of {} partitions not committed, the group moved partitions meanwhile;"
              + " their next owner skips the events already applied: {}",
          job.name(),
          batch.commits.size(),
          e.toString());
    }
  }

  private record Batch(
      Map<TopicPartition, OffsetAndMetadata> commits,
      Map<TopicPartition, Long> rewinds,
      boolean dependencyDown) {}

  private Batch process(ConsumerRecords<byte[], byte[]> records) {
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    records.forEach(all::add);
    int laneCount = lanes(all.size(), concurrency, job.batchSize());
    List<List<Integer>> byLane = new ArrayList<>();
    for (int i = 0; i < laneCount; i++) {
      byLane.add(new ArrayList<>());
    }
    for (int i = 0; i < all.size(); i++) {
      ConsumerRecord<byte[], byte[]> record = all.get(i);
      int hash =
          record.key() == null ? record.partition() : java.util.Arrays.hashCode(record.key());
      byLane.get(Math.floorMod(hash, laneCount)).add(i);
    }
    // Each record becomes a delivery once, whichever path (batch or one by one) applies it.
    List<Delivery> deliveries = all.stream().map(Delivery::of).toList();
    boolean[] done = new boolean[all.size()];
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean dependencyDown = new AtomicBoolean();
    List<Future<?>> running = new ArrayList<>();
    for (List<Integer> lane : byLane) {
      if (lane.isEmpty()) {
        continue;
      }
      running.add(
          lanes.submit(
              () -> {
                int position = 0;
                while (position < lane.size()) {
                  if (stop.get() || !this.running) {
                    return;
                  }
                  Step batched = applyBatch(deliveries, lane, position, done);
                  if (batched.dependencyDown()) {
                    dependencyDown.set(true);
                    stop.set(true);
                    return;
                  }
                  if (batched.applied() > 0) {
                    position += batched.applied();
                    continue;
                  }
                  int index = lane.get(position);
                  if (attempts.run(deliveries.get(index)) == Attempts.Result.DEPENDENCY_DOWN) {
                    dependencyDown.set(true);
                    stop.set(true);
                    return;
                  }
                  done[index] = true;
                  position++;
                }
              }));
    }
    for (Future<?> lane : running) {
      try {
        lane.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        throw new IllegalStateException("lane failed", e.getCause());
      }
    }
    return positions(all, done, dependencyDown.get());
  }

  /**
   * How many lanes share a poll of {@code records}: up to the job's concurrency, but no more than
   * it takes to fill each lane's batch. A few records then make one batch and one transaction
   * rather than one small transaction per lane, and a backlog still spreads over every lane.
   */
  static int lanes(int records, int concurrency, int batchSize) {
    int needed = (records + batchSize - 1) / Math.max(1, batchSize);
    return Math.max(1, Math.min(concurrency, needed));
  }

  /** How far a batch got: deliveries done, and whether one of them found a dependency down. */
  private record Step(int applied, boolean dependencyDown) {
    static final Step NONE = new Step(0, false);
  }

  /**
   * Applies the run of batchable records starting at {@code position} in one transaction, when the
   * job batches, then on its own each delivery the job left out of it. Step.NONE takes the
   * one-by-one path.
   */
  private Step applyBatch(
      List<Delivery> deliveries, List<Integer> lane, int position, boolean[] done) {
    if (job.batchSize() <= 1) {
      return Step.NONE;
    }
    List<Delivery> batch = new ArrayList<>();
    for (int i = position; i < lane.size() && batch.size() < job.batchSize(); i++) {
      Delivery delivery = deliveries.get(lane.get(i));
      if (!attempts.batchable(delivery)) {
        break;
      }
      batch.add(delivery);
    }
    if (batch.size() < 2) {
      return Step.NONE;
    }
    List<Job.Outcome> outcomes = attempts.runBatch(batch);
    if (outcomes == null) {
      return Step.NONE;
    }
    for (int i = 0; i < batch.size(); i++) {
      if (outcomes.get(i) == Job.Outcome.ALONE
          && attempts.run(batch.get(i)) == Attempts.Result.DEPENDENCY_DOWN) {
        // Later deliveries the batch applied are delivered again and skipped as duplicates.
        return new Step(i, true);
      }
      done[lane.get(position + i)] = true;
    }
    return new Step(batch.size(), false);
  }

  /** Per partition: commit up to the first record not done, and read again from there. */
  private static Batch positions(
      List<ConsumerRecord<byte[], byte[]>> all, boolean[] done, boolean dependencyDown) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    Map<TopicPartition, Long> rewinds = new HashMap<>();
    for (int i = 0; i < all.size(); i++) {
      ConsumerRecord<byte[], byte[]> record = all.get(i);
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      if (rewinds.containsKey(partition)) {
        continue;
      }
      if (done[i]) {
        commits.put(partition, new OffsetAndMetadata(record.offset() + 1));
      } else {
        commits.put(partition, new OffsetAndMetadata(record.offset()));
        rewinds.put(partition, record.offset());
      }
    }
    return new Batch(commits, rewinds, dependencyDown);
  }

  private static long lag(Consumer<byte[], byte[]> consumer) {
    try {
      Set<TopicPartition> assigned = consumer.assignment();
      long lag = 0;
      for (Map.Entry<TopicPartition, Long> end : consumer.endOffsets(assigned).entrySet()) {
        lag += Math.max(0, end.getValue() - consumer.position(end.getKey()));
      }
      return lag;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * Unhealthy from a failure of the consumer loop until the new consumer's first poll: the worker's
   * admin /healthcheck names the job and the failure.
   */
  public HealthCheck healthCheck() {
    return new HealthCheck() {
      @Override
      protected Result check() {
        String last = failure;
        return last == null
            ? Result.healthy()
            : Result.unhealthy("job " + job.name() + " is restarting its consumer after " + last);
      }
    };
  }

  /** Finishes the records in hand, commits, and leaves the group. */
  @Override
  public void stop() throws InterruptedException {
    running = false;
    thread.join(60_000);
    lanes.shutdown();
  }
}
