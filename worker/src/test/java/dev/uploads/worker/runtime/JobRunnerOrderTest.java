package dev.uploads.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.Topics;
import dev.uploads.schema.UploadReceived;
import dev.uploads.schema.trace.Tracing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The runtime's ordering promise, driven through Kafka's MockConsumer: events of one key are
 * applied one after another in offset order, while different keys are applied in parallel.
 */
class JobRunnerOrderTest {
  private static final int KEYS = 8;
  private static final int EVENTS_PER_KEY = 12;

  @Test
  void oneKeyInOrderOtherKeysInParallel() throws Exception {
    RecordingJob job = new RecordingJob();
    assertEquals(
        (long) KEYS * EVENTS_PER_KEY,
        runToTheEnd(job, new MetricRegistry()),
        "offsets committed after the effects");

    assertEquals(KEYS * EVENTS_PER_KEY, job.applied.size());
    Map<String, List<Integer>> byKey = new HashMap<>();
    for (String[] applied : job.applied) {
      byKey.computeIfAbsent(applied[0], k -> new ArrayList<>()).add(Integer.parseInt(applied[1]));
    }
    for (List<Integer> sequence : byKey.values()) {
      for (int i = 0; i < sequence.size(); i++) {
        assertEquals(i, sequence.get(i), "events of one key in order: " + sequence);
      }
    }
    assertTrue(
        job.maxInFlight.get() > 1, "keys ran in parallel, max in flight " + job.maxInFlight.get());
  }

  /**
   * A rebalance while a batch is applied (this worker paused or cut off past its session, another
   * one joining) makes the commit fail. The job goes on with the next records rather than stopping
   * for good, as its loop did before. A failure of the loop itself starts a new consumer.
   */
  @Test
  void aRefusedCommitOrAFailedLoopDoesNotStopTheJob() throws Exception {
    TopicPartition partition = new TopicPartition(Topics.UPLOADS, 0);
    List<MockConsumer<byte[], byte[]>> consumers = new ArrayList<>();
    AtomicInteger refused = new AtomicInteger();
    java.util.function.Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>>
        supplier =
            () -> {
              int generation = consumers.size();
              MockConsumer<byte[], byte[]> consumer =
                  new MockConsumer<>("earliest") {
                    @Override
                    public synchronized void commitSync(
                        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>
                            offsets) {
                      if (generation == 0 && refused.getAndIncrement() == 0) {
                        throw new org.apache.kafka.clients.consumer.CommitFailedException();
                      }
                      super.commitSync(offsets);
                    }
                  };
              consumer.schedulePollTask(
                  () -> {
                    consumer.rebalance(List.of(partition));
                    consumer.updateBeginningOffsets(Map.of(partition, 0L));
                    // The first consumer gets records 0-3; its second poll fails as a broken loop
                    // would, the next consumer starts from the committed offset 4 and gets 4-7.
                    long from = generation == 0 ? 0 : 4;
                    for (long offset = from; offset < from + 4; offset++) {
                      consumer.addRecord(record(partition, offset, "key-" + offset, (int) offset));
                    }
                  });
              if (generation == 0) {
                consumer.schedulePollTask(
                    () -> {
                      throw new IllegalStateException("the loop breaks");
                    });
              }
              consumers.add(consumer);
              return consumer;
            };
    RecordingJob job = new RecordingJob();
    MetricRegistry registry = new MetricRegistry();
    JobRunner runner =
        new JobRunner(
            job,
            new JobSettings(),
            supplier,
            Jdbi.create("jdbc:postgresql://127.0.0.1:1/unused"),
            new Breakers(3, Duration.ofSeconds(1), new MetricRegistry()),
            new JobMetrics(registry, job.name()),
            Tracing.unexported("test"));
    runner.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (registry.meter("job.recording.restarts").getCount() == 0
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    // The new consumer starts after a back-off of a second; until its first poll the job is
    // unhealthy, and says why.
    var restarting = runner.healthCheck().execute();
    assertFalse(restarting.isHealthy());
    assertTrue(restarting.getMessage().contains("the loop breaks"), restarting.getMessage());
    long committed = -1;
    while (committed < 8 && System.nanoTime() < deadline) {
      Thread.sleep(20);
      if (consumers.size() == 2) {
        var offsets = consumers.get(1).committed(Set.of(partition));
        committed = offsets.get(partition) == null ? -1 : offsets.get(partition).offset();
      }
    }
    assertTrue(runner.healthCheck().execute().isHealthy(), "healthy again");
    runner.stop();
    assertEquals(8, committed, "the second consumer committed its records");
    assertEquals(8, job.applied.size(), "the records after the refused commit were applied");
    assertEquals(2, consumers.size(), "a new consumer after the loop broke");
    assertEquals(1, registry.meter("job.recording.commits-refused").getCount());
    assertEquals(1, registry.meter("job.recording.restarts").getCount());
  }

  /**
   * A batching job that leaves a delivery out of its batch (its own part failed) gets it applied on
   * its own, together with every later event of that key the job also left out, in offset order;
   * the rest of the batch is applied once, in it.
   */
  @Test
  void whatABatchLeavesOutIsAppliedAloneInKeyOrder() throws Exception {
    BatchingJob job = new BatchingJob("key-3", 4);
    MetricRegistry registry = new MetricRegistry();
    assertEquals((long) KEYS * EVENTS_PER_KEY, runToTheEnd(job, registry));

    assertEquals(KEYS * EVENTS_PER_KEY, job.applied.size(), "each event applied once");
    Map<String, List<Integer>> byKey = new HashMap<>();
    for (String[] applied : job.applied) {
      byKey.computeIfAbsent(applied[0], k -> new ArrayList<>()).add(Integer.parseInt(applied[1]));
    }
    for (List<Integer> sequence : byKey.values()) {
      for (int i = 0; i < sequence.size(); i++) {
        assertEquals(i, sequence.get(i), "events of one key in order: " + sequence);
      }
    }
    assertTrue(job.alone.contains("key-3/4"), "the failing one alone: " + job.alone);
    assertTrue(
        job.alone.stream().allMatch(a -> a.startsWith("key-3/")),
        "only that key's events alone: " + job.alone);
    assertTrue(registry.histogram("job.batching.batch-size").getSnapshot().getMax() > 1);
  }

  @Test
  void aPollUsesOnlyTheLanesItsBatchesFill() {
    assertEquals(1, JobRunner.lanes(7, 4, 8), "a few events: one lane, one transaction");
    assertEquals(2, JobRunner.lanes(9, 4, 8));
    assertEquals(4, JobRunner.lanes(500, 4, 8), "a backlog: every lane");
    assertEquals(1, JobRunner.lanes(400, 4, 500));
    assertEquals(4, JobRunner.lanes(2_000, 4, 500));
    assertEquals(3, JobRunner.lanes(3, 4, 1), "one at a time: a lane per event, up to four");
    assertEquals(1, JobRunner.lanes(0, 4, 1));
  }

  /**
   * Runs the job on KEYS × EVENTS_PER_KEY records of one partition, interleaved by key, until their
   * offsets are committed (at most 30 s); returns the committed offset.
   */
  private static long runToTheEnd(Job job, MetricRegistry registry) throws Exception {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    TopicPartition partition = new TopicPartition(Topics.UPLOADS, 0);
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(partition));
          consumer.updateBeginningOffsets(Map.of(partition, 0L));
          long offset = 0;
          for (int seq = 0; seq < EVENTS_PER_KEY; seq++) {
            for (int key = 0; key < KEYS; key++) {
              consumer.addRecord(record(partition, offset++, "key-" + key, seq));
            }
          }
        });
    // No database is touched while nothing fails: the address is never connected to.
    JobRunner runner =
        new JobRunner(
            job,
            new JobSettings(),
            () -> consumer,
            Jdbi.create("jdbc:postgresql://127.0.0.1:1/unused"),
            new Breakers(3, Duration.ofSeconds(1), registry),
            new JobMetrics(registry, job.name()),
            Tracing.unexported("test"));
    runner.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long committed = -1;
    while (committed < KEYS * EVENTS_PER_KEY && System.nanoTime() < deadline) {
      Thread.sleep(20);
      var offsets = consumer.committed(Set.of(partition));
      committed = offsets.get(partition) == null ? -1 : offsets.get(partition).offset();
    }
    runner.stop();
    return committed;
  }

  private static ConsumerRecord<byte[], byte[]> record(
      TopicPartition partition, long offset, String key, int seq) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        EventHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    headers.add(EventHeaders.EVENT_TYPE, UploadReceived.TYPE.getBytes(StandardCharsets.UTF_8));
    return new ConsumerRecord<>(
        partition.topic(),
        partition.partition(),
        offset,
        0L,
        TimestampType.CREATE_TIME,
        0,
        0,
        key.getBytes(StandardCharsets.UTF_8),
        Integer.toString(seq).getBytes(StandardCharsets.UTF_8),
        headers,
        java.util.Optional.empty());
  }

  /** Records what it applies, and how many events were being applied at once. */
  private static final class RecordingJob implements Job {
    final List<String[]> applied = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public Set<String> handles() {
      return Set.of(UploadReceived.TYPE);
    }

    @Override
    public Outcome apply(Delivery delivery) throws InterruptedException {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      Thread.sleep(5);
      applied.add(
          new String[] {delivery.key(), new String(delivery.value(), StandardCharsets.UTF_8)});
      inFlight.decrementAndGet();
      return Outcome.APPLIED;
    }
  }

  /**
   * Applies batches, but leaves out one event (key, sequence) and the later events of its key in
   * the same batch, as a job does when an event's own external effect fails.
   */
  private static final class BatchingJob implements Job {
    final List<String[]> applied = Collections.synchronizedList(new ArrayList<>());
    final List<String> alone = Collections.synchronizedList(new ArrayList<>());
    private final String failingKey;
    private final int failingSeq;

    BatchingJob(String failingKey, int failingSeq) {
      this.failingKey = failingKey;
      this.failingSeq = failingSeq;
    }

    @Override
    public String name() {
      return "batching";
    }

    @Override
    public Set<String> handles() {
      return Set.of(UploadReceived.TYPE);
    }

    @Override
    public int batchSize() {
      return 16;
    }

    @Override
    public Outcome apply(Delivery delivery) {
      String seq = new String(delivery.value(), StandardCharsets.UTF_8);
      alone.add(delivery.key() + "/" + seq);
      applied.add(new String[] {delivery.key(), seq});
      return Outcome.APPLIED;
    }

    @Override
    public List<Outcome> applyAll(List<Delivery> deliveries) {
      List<Outcome> outcomes = new ArrayList<>();
      Set<String> leftOut = new java.util.HashSet<>();
      for (Delivery delivery : deliveries) {
        String seq = new String(delivery.value(), StandardCharsets.UTF_8);
        boolean fails = delivery.key().equals(failingKey) && Integer.parseInt(seq) == failingSeq;
        if (fails || leftOut.contains(delivery.key())) {
          leftOut.add(delivery.key());
          outcomes.add(Outcome.ALONE);
        } else {
          applied.add(new String[] {delivery.key(), seq});
          outcomes.add(Outcome.APPLIED);
        }
      }
      return outcomes;
    }
  }
}
