package dev.uploads.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;

/**
 * The S3 store is stopped for 30 s under load: work pauses, nothing fails, no dead letter is
 * written, and every upload becomes ready once the store is back.
 */
@ExtendWith(TopologyExtension.class)
class BlobStoreOutageTest {
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  @Test
  void noUploadFailsAndAllBecomeReadyAfterTheOutage(Topology topology) throws Exception {
    Client client = topology.account("s3-outage@example.test");
    Sql sql = new Sql(topology);
    UUID account = sql.account(client.email());
    long deadLettersBefore = sql.deadLetters();
    // A batch the workers are still busy with when the store goes away.
    for (int i = 0; i < 40; i++) {
      client.upload(topology.apis.get(i % 2), Images.jpeg(640, 480));
    }
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    Map<Integer, Integer> answers = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService posters = Executors.newFixedThreadPool(2);
    List<Future<Void>> load =
        topology.apis.stream()
            .map(api -> posters.submit(() -> post(client, api, accepted, answers, stop)))
            .toList();
    long readyBefore = sql.uploads(account, "ready");
    topology.stopEngineSide(topology.s3);
    long stoppedAt = System.nanoTime();
    Thread.sleep(OUTAGE.toMillis());
    long readyDuringOutage = sql.uploads(account, "ready") - readyBefore;
    int acceptedDuringOutage = accepted.size();
    topology.startEngineSide(topology.s3);
    long outage = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
    // The load goes on until the API accepts uploads again.
    Duration acceptingAgain =
        Await.until(
            "10 uploads accepted after the store came back",
            Duration.ofSeconds(120),
            () -> accepted.size() >= acceptedDuringOutage + 10);
    stop.set(true);
    for (Future<Void> poster : load) {
      poster.get(120, TimeUnit.SECONDS);
    }
    posters.shutdown();
    long total = 40 + accepted.size();
    Duration recovered =
        Await.until(
            "every upload ready after the outage",
            Duration.ofSeconds(240),
            () -> sql.uploads(account, "ready") + sql.uploads(account, "failed") >= total);
    long failed = sql.uploads(account, "failed");
    long deadLetters = sql.deadLetters() - deadLettersBefore;
    System.out.printf(
        "[s3-outage] S3 stopped for %d ms under load: %d uploads ready before, %d became ready"
            + " during the outage, %d accepted during it; HTTP answers seen by the clients %s;"
            + " uploads accepted again %d ms after the restart; all %d ready %d ms later, %d failed,"
            + " %d new dead letters%n",
        outage,
        readyBefore,
        readyDuringOutage,
        acceptedDuringOutage,
        answers,
        acceptingAgain.toMillis(),
        total,
        recovered.toMillis(),
        failed,
        deadLetters);
    String last = accepted.stream().max(String::compareTo).orElseThrow();
    assertTrue(
        topology.inBucket(sql.text("SELECT blob_key FROM uploads WHERE id = ?::uuid", last)),
        "the uploads went to the S3 store");
    assertEquals(0, failed);
    assertEquals(0, deadLetters);
    assertEquals(total, sql.uploads(account, "ready"));
    assertTrue(
        answers.keySet().stream().allMatch(status -> status == 202 || status == 503),
        "clients saw only 202 and 503: " + answers);
  }

  /**
   * One client posting through one replica until told to stop (3 minutes and 1,000 requests at
   * most); a 503 is retried after a second, as a client honouring Retry-After would.
   */
  private static Void post(
      Client client,
      GenericContainer<?> api,
      Set<String> accepted,
      Map<Integer, Integer> answers,
      AtomicBoolean stop)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    byte[] image = Images.jpeg(320, 240);
    for (int i = 0; i < 1000 && !stop.get() && System.nanoTime() < deadline; i++) {
      HttpResponse<byte[]> response = client.post(api, image);
      answers.merge(response.statusCode(), 1, Integer::sum);
      if (response.statusCode() == 202) {
        accepted.add(Client.JSON.readTree(response.body()).get("id").asText());
        image = Images.jpeg(320, 240);
        Thread.sleep(200);
      } else if (response.statusCode() == 503) {
        Thread.sleep(1000);
      } else {
        System.out.printf(
            "[s3-outage] answer %d: %s%n",
            response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        Thread.sleep(1000);
      }
    }
    return null;
  }
}
