package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.api.outbox.OutboxDao;
import dev.uploads.api.relay.KafkaSettings;
import dev.uploads.api.relay.OutboxRelay;
import dev.uploads.api.relay.RelayMetrics;
import dev.uploads.api.relay.RelayProducer;
import dev.uploads.api.relay.RelaySettings;
import dev.uploads.infra.SharedInfra;
import dev.uploads.schema.EventEnvelope;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.Outbox;
import dev.uploads.schema.OutboxSignal;
import dev.uploads.schema.trace.Tracing;
import io.dropwizard.jackson.Jackson;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.Test;

/**
 * A relay that stalls between reading a batch and sending it (a long GC pause, a frozen container)
 * while its leases lapse and another relay takes its shards over: once it runs again, it must send
 * nothing of the rows it no longer owns, and delete none. Before the fence, the stalled relay sent
 * its stale batch after the new owner had published it, a second copy on the topic.
 */
class FencedRelayTest {
  private static final ObjectMapper JSON = Jackson.newObjectMapper();

  @Test
  void aRelayStalledPastItsLeaseSendsNothingOfShardsTakenOver() throws Exception {
    String jdbcUrl = SharedInfra.get().newDatabase();
    TestApi.configure(jdbcUrl, false, "1MiB");
    Jdbi jdbi = TestApi.jdbi(jdbcUrl);
    String topic = "fencing-" + UUID.randomUUID();
    TopicReader.createTopic(topic, 1);
    UUID event = UUID.randomUUID();
    jdbi.useTransaction(
        h ->
            Outbox.append(
                h,
                new EventEnvelope(
                    event, topic, "test.fenced", 1, "key-1", Instant.now(), null, "{}")));

    // The stalled relay: its first read of outbox rows (the one event) freezes the relay's thread
    // right after the query ran, until the test lets it go on.
    CountDownLatch frozen = new CountDownLatch(1);
    CountDownLatch thaw = new CountDownLatch(1);
    AtomicBoolean armed = new AtomicBoolean(true);
    Jdbi stalling = TestApi.jdbi(jdbcUrl);
    stalling.setSqlLogger(
        new SqlLogger() {
          @Override
          public void logAfterExecution(StatementContext context) {
            if (context.getRawSql().contains("FROM outbox WHERE shard")
                && armed.compareAndSet(true, false)) {
              frozen.countDown();
              try {
                thaw.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        });
    MetricRegistry stalledMetrics = new MetricRegistry();
    OutboxRelay stalled = relay(stalling, stalledMetrics);
    OutboxRelay owner = null;
    try (TopicReader reader = new TopicReader(topic)) {
      stalled.start();
      assertTrue(frozen.await(30, TimeUnit.SECONDS), "the first relay read the event");
      awaitLeasesLapsed(jdbi);

      owner = relay(jdbi, new MetricRegistry());
      owner.start();
      reader.readUntil(records -> !records.isEmpty(), Duration.ofSeconds(30));
      awaitOutboxEmpty(jdbi);

      thaw.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (stalledMetrics.meter("relay.fenced").getCount() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(
          1, stalledMetrics.meter("relay.fenced").getCount(), "the stalled relay held its batch");
      assertEquals(0, stalledMetrics.meter("relay.published").getCount());
      // Time for a late send to arrive, had there been one.
      List<ConsumerRecord<byte[], byte[]>> records =
          reader.readUntil(r -> r.size() > 1, Duration.ofSeconds(5));
      assertEquals(1, records.size(), "the event is on the topic once");
      assertEquals(event.toString(), TopicReader.header(records.get(0), EventHeaders.EVENT_ID));
    } finally {
      thaw.countDown();
      stalled.stop();
      if (owner != null) {
        owner.stop();
      }
    }
  }

  @Test
  void aRelayDeletesOnlyRowsOfShardsItHolds() throws Exception {
    String jdbcUrl = SharedInfra.get().newDatabase();
    TestApi.configure(jdbcUrl, false, "1MiB");
    Jdbi jdbi = TestApi.jdbi(jdbcUrl);
    jdbi.useTransaction(
        h ->
            Outbox.append(
                h,
                new EventEnvelope(
                    UUID.randomUUID(), "t", "test.fenced", 1, "key-1", Instant.now(), null, "{}")));
    long id = jdbi.withHandle(h -> h.createQuery("SELECT id FROM outbox").mapTo(Long.class).one());
    short shard =
        jdbi.withHandle(h -> h.createQuery("SELECT shard FROM outbox").mapTo(Short.class).one());
    lease(jdbi, shard, "relay-b", "1 minute");
    assertEquals(0, deleteAs(jdbi, id, "relay-a"), "relay-a does not hold the shard");
    lease(jdbi, shard, "relay-b", "-1 second");
    assertEquals(0, deleteAs(jdbi, id, "relay-b"), "relay-b's lease lapsed");
    lease(jdbi, shard, "relay-b", "1 minute");
    assertEquals(1, deleteAs(jdbi, id, "relay-b"), "the holder deletes it");
  }

  /** Gives {@code shard}'s lease to {@code owner} until now + {@code interval} (may be past). */
  private static void lease(Jdbi jdbi, short shard, String owner, String interval) {
    jdbi.useHandle(
        h ->
            h.execute(
                "UPDATE relay_shards SET owner = ?, lease_until = now() + ?::interval"
                    + " WHERE shard = ?",
                owner,
                interval,
                shard));
  }

  private static int deleteAs(Jdbi jdbi, long id, String relay) {
    return jdbi.withHandle(h -> OutboxDao.deleteHeld(h, new long[] {id}, relay));
  }

  private static OutboxRelay relay(Jdbi jdbi, MetricRegistry registry) {
    RelaySettings settings =
        JSON.convertValue(
            Map.of("leaseDuration", "1s", "pollInterval", "100ms", "backoffMax", "1s"),
            RelaySettings.class);
    KafkaSettings kafka =
        JSON.convertValue(
            Map.of("bootstrapServers", SharedInfra.get().kafka().bootstrapServers()),
            KafkaSettings.class);
    return new OutboxRelay(
        jdbi,
        RelayProducer.create(kafka),
        settings,
        new OutboxSignal(),
        new RelayMetrics(registry),
        Tracing.unexported("relay-test"));
  }

  /** Until no lease is current: the stalled relay has lost every shard in the database. */
  private static void awaitLeasesLapsed(Jdbi jdbi) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      int current =
          jdbi.withHandle(
              h ->
                  h.createQuery("SELECT count(*) FROM relay_shards WHERE lease_until > now()")
                      .mapTo(Integer.class)
                      .one());
      if (current == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the stalled relay's leases did not lapse");
  }

  private static void awaitOutboxEmpty(Jdbi jdbi) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (jdbi.withExtension(OutboxDao.class, OutboxDao::depth) == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the new owner did not drain the outbox");
  }
}
