package dev.uploads.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;

/** A worker container is killed mid-stream; the other finishes with no duplicate effect. */
@ExtendWith(TopologyExtension.class)
class WorkerFailoverTest {
  private static final int UPLOADS = 200;

  /** Mails in flight at the kill (sent, delivery not yet committed): jobs.emails.concurrency. */
  private static final int EMAILS_IN_FLIGHT = 4;

  @Test
  void theOtherWorkerFinishesWithNoDuplicateEffect(Topology topology) throws Exception {
    Client client = topology.account("worker-failover@example.test");
    Sql sql = new Sql(topology);
    UUID account = sql.account(client.email());
    ExecutorService posters = Executors.newFixedThreadPool(2);
    Set<String> ids = ConcurrentHashMap.newKeySet();
    List<Future<Long>> posted =
        List.of(0, 1).stream()
            .map(
                replica ->
                    posters.submit(
                        () -> {
                          long bytes = 0;
                          for (int i = 0; i < UPLOADS / 2; i++) {
                            byte[] image = Images.jpeg(320, 240);
                            ids.add(client.upload(topology.apis.get(replica), image));
                            bytes += image.length;
                          }
                          return bytes;
                        }))
            .toList();
    GenericContainer<?> victim = topology.workers.get(0);
    Await.until(
        "20 uploads ready before the kill",
        Duration.ofSeconds(120),
        () -> sql.uploads(account, "ready") >= 20);
    topology.kill(victim);
    long killedAt = System.nanoTime();
    long readyAtKill = sql.uploads(account, "ready");
    long mailsAtKill =
        sql.number("SELECT count(*) FROM email_deliveries WHERE account_id = ?", account);
    System.out.printf(
        "[worker-failover] killed worker 1 (SIGKILL) with %d of %d uploads ready, %d mails sent%n",
        readyAtKill, UPLOADS, mailsAtKill);
    assertTrue(mailsAtKill < UPLOADS, "the kill came before the end of the stream");
    long bytes = 0;
    for (Future<Long> f : posted) {
      bytes += f.get(120, TimeUnit.SECONDS);
    }
    posters.shutdown();
    assertEquals(UPLOADS, ids.size());

    Duration rest =
        Await.until(
            "every upload's mail delivered",
            Duration.ofSeconds(240),
            () ->
                sql.number("SELECT count(*) FROM email_deliveries WHERE account_id = ?", account)
                    >= UPLOADS);
    Await.until(
        "the stats caught up",
        Duration.ofSeconds(60),
        () -> client.stats(topology.apis.get(0)).get("emails_sent").asLong() >= UPLOADS);
    long finishedIn = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killedAt);

    long deliveries =
        sql.number("SELECT count(*) FROM email_deliveries WHERE account_id = ?", account);
    long uploadsWithOneDelivery =
        sql.number(
            "SELECT count(*) FROM (SELECT upload_id FROM email_deliveries WHERE account_id = ?"
                + " GROUP BY upload_id HAVING count(*) = 1) d",
            account);
    long uploadsWithTwoThumbnails =
        sql.number(
            "SELECT count(*) FROM (SELECT t.upload_id FROM thumbnails t JOIN uploads u"
                + " ON u.id = t.upload_id WHERE u.account_id = ? GROUP BY t.upload_id"
                + " HAVING count(*) = 2) t",
            account);
    long thumbnails =
        sql.number(
            "SELECT count(*) FROM thumbnails t JOIN uploads u ON u.id = t.upload_id"
                + " WHERE u.account_id = ?",
            account);
    List<String> mails = new Mailbox(topology).messageIds(client.email());
    Map<String, Integer> perMessageId = new HashMap<>();
    mails.forEach(m -> perMessageId.merge(m, 1, Integer::sum));
    long resent = mails.size() - perMessageId.size();
    Set<String> expectedMessageIds =
        new HashSet<>(
            List.of(
                sql.text(
                        "SELECT string_agg(message_id, ' ') FROM email_deliveries"
                            + " WHERE account_id = ?",
                        account)
                    .split(" ")));
    JsonNode stats = client.stats(topology.apis.get(1));
    long ready = sql.uploads(account, "ready");
    long failed = sql.uploads(account, "failed");
    System.out.printf(
        "[worker-failover] worker 2 finished %d s after the kill (mails complete after %d ms):"
            + " %d uploads ready, %d failed; email_deliveries %d (uploads with exactly one: %d);"
            + " thumbnails %d (uploads with exactly two: %d); at the catcher %d mails, %d distinct"
            + " Message-IDs, %d resent with the same Message-ID; stats %s; dead letters %d%n",
        finishedIn,
        rest.toMillis(),
        ready,
        failed,
        deliveries,
        uploadsWithOneDelivery,
        thumbnails,
        uploadsWithTwoThumbnails,
        mails.size(),
        perMessageId.size(),
        resent,
        stats,
        sql.deadLetters());

    topology.replace(victim);

    assertEquals(UPLOADS, ready);
    assertEquals(0, failed);
    assertEquals(UPLOADS, deliveries);
    assertEquals(UPLOADS, uploadsWithOneDelivery);
    assertEquals(2L * UPLOADS, thumbnails);
    assertEquals(UPLOADS, uploadsWithTwoThumbnails);
    // One mail per upload, told apart by Message-ID (derived from the event id). A mail the
    // killed worker had handed to SMTP but not yet recorded is sent again with the same
    // Message-ID, which any mail system downstream recognises: at most the mails in flight.
    assertEquals(expectedMessageIds, perMessageId.keySet());
    assertTrue(resent <= EMAILS_IN_FLIGHT, resent + " mails resent");
    assertEquals(UPLOADS, stats.get("uploads_received").asLong());
    assertEquals(bytes, stats.get("bytes_received").asLong());
    assertEquals(2L * UPLOADS, stats.get("thumbnails_made").asLong());
    assertEquals(UPLOADS, stats.get("emails_sent").asLong());
    assertEquals(0, stats.get("dead_letters").asLong());
    assertEquals(0, sql.deadLetters());
  }
}
