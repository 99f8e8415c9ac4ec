package dev.uploads.topology.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.topology.Client;
import dev.uploads.topology.Images;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.testcontainers.containers.GenericContainer;

/**
 * Open-loop upload traffic: one new upload every 1/rate seconds whatever the answers, through both
 * API replicas in turn. Every upload carries an Idempotency-Key, so that a 503, a cut connection or
 * a timeout is retried with the same key (through the other replica) and never counts twice; some
 * uploads are posted a second time on purpose with the same key. About 1 % are bad images.
 */
final class Load {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BOUNDARY = "chaos-boundary-3";

  /** How long one upload is retried before it is given up (and reported as abandoned). */
  private static final Duration GIVE_UP = Duration.ofMinutes(3);

  /** One logical upload: its key, its failure code if it is a bad image, the ids its 202s gave. */
  record Sent(String key, String expectedFailure, Set<String> ids, boolean repeated) {}

  private final Client client;
  private final List<GenericContainer<?>> apis;
  private final Random random;
  final Map<String, Sent> sent = new ConcurrentHashMap<>();
  final Set<String> abandoned = ConcurrentHashMap.newKeySet();
  final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  final LongAdder connectionErrors = new LongAdder();
  final LongAdder retries = new LongAdder();
  private final AtomicInteger sequence = new AtomicInteger();

  Load(Client client, List<GenericContainer<?>> apis, long seed) {
    this.client = client;
    this.apis = apis;
    this.random = new Random(seed ^ 0x5DEECE66DL);
  }

  /**
   * Sends at {@code rate} per second for {@code duration}, and on (at most 15 minutes more) until
   * {@code faultsDone}, so that no fault hits an idle system; returns once every upload settled.
   */
  void run(double rate, Duration duration, BooleanSupplier faultsDone) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(48);
    long period = (long) (1_000_000_000L / rate);
    long start = System.nanoTime();
    long count = (long) (duration.plusMinutes(15).toNanos() / period);
    long minimum = (long) (duration.toNanos() / period);
    for (long i = 0; i < count && (i < minimum || !faultsDone.getAsBoolean()); i++) {
      long due = start + i * period;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      int n = sequence.getAndIncrement();
      double dice = random.nextDouble();
      String failure =
          dice < 0.005 ? BadImages.UNDECODABLE : dice < 0.01 ? BadImages.TOO_LARGE : null;
      boolean repeat = random.nextDouble() < 0.05;
      pool.execute(() -> upload(n, failure, repeat));
    }
    pool.shutdown();
    if (!pool.awaitTermination(GIVE_UP.toSeconds() + 60, TimeUnit.SECONDS)) {
      pool.shutdownNow();
      throw new IllegalStateException("uploads still in flight after the load ended");
    }
  }

  private void upload(int n, String failure, boolean repeat) {
    byte[] image =
        failure == null
            ? Images.jpeg(160, 120)
            : failure.equals(BadImages.UNDECODABLE)
                ? BadImages.truncatedJpeg()
                : BadImages.bombPng();
    String key = "chaos-" + UUID.randomUUID();
    Sent upload = new Sent(key, failure, ConcurrentHashMap.newKeySet(), repeat);
    sent.put(key, upload);
    try {
      if (!post(n, key, image, upload) || (repeat && !post(n + 1, key, image, upload))) {
        abandoned.add(key);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandoned.add(key);
    }
  }

  /** Posts until a 202 (true) or a final answer or the give-up time (false). */
  private boolean post(int n, String key, byte[] image, Sent upload) throws InterruptedException {
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    for (int attempt = 0; attempt < 500 && System.nanoTime() < deadline; attempt++) {
      if (attempt > 0) {
        retries.increment();
        Thread.sleep(Math.min(2000, 200L * attempt));
      }
      GenericContainer<?> api = apis.get((n + attempt) % apis.size());
      int status;
      try {
        HttpResponse<byte[]> response = send(api, key, image);
        status = response.statusCode();
        statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (status == 202) {
          upload.ids().add(JSON.readTree(response.body()).get("id").asText());
          return true;
        }
      } catch (IOException | RuntimeException e) {
        // Refused, reset, timed out, or the replica publishes no port while it is down.
        connectionErrors.increment();
        continue;
      }
      // Ambiguous or passing failures are retried with the same key; a final answer is not.
      if (status < 500 && status != 408 && status != 499) {
        return false;
      }
    }
    return false;
  }

  private HttpResponse<byte[]> send(GenericContainer<?> api, String key, byte[] image)
      throws IOException, InterruptedException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.jpg\""
                + "\r\nContent-Type: image/jpeg\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(image);
    body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return Live.HTTP.send(
        HttpRequest.newBuilder(URI.create(Live.url(api, 8080) + "/v1/uploads"))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + client.key())
            .header("Idempotency-Key", key)
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  long accepted() {
    return sent.values().stream().filter(s -> !s.ids().isEmpty()).count();
  }
}
