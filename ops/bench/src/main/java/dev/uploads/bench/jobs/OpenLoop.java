package dev.uploads.bench.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Uploads at a fixed rate whatever the server does (open loop): request i leaves at start + i /
 * rate, without waiting for earlier answers, so a slow server shows up as latency rather than as a
 * quietly lower rate. HTTP times are measured from the intended send time for the same reason.
 */
final class OpenLoop {
  private static final String BOUNDARY = "job-bench-boundary-7f3a";
  private static final ObjectMapper JSON = new ObjectMapper();

  private OpenLoop() {}

  record Outcome(
      int sent,
      List<String> acceptedIds,
      Map<Integer, Integer> statuses,
      int ioErrors,
      String firstError,
      Histogram httpMicros,
      double maxLateMillis) {}

  static Outcome run(String apiUrl, String apiKey, List<byte[]> images, double rate)
      throws InterruptedException {
    ExecutorService executor = Executors.newFixedThreadPool(4);
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(executor)
            .build();
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
    Histogram httpMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    int[] ioErrors = {0};
    String[] firstError = {null};
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    long periodNanos = (long) (1e9 / rate);
    long start = System.nanoTime();
    long maxLate = 0;
    try {
      for (int i = 0; i < images.size(); i++) {
        long due = start + i * periodNanos;
        while (System.nanoTime() < due) {
          LockSupport.parkNanos(due - System.nanoTime());
        }
        maxLate = Math.max(maxLate, System.nanoTime() - due);
        inFlight.add(
            http.sendAsync(
                    request(apiUrl, apiKey, images.get(i)), HttpResponse.BodyHandlers.ofByteArray())
                .handle(
                    (response, failure) -> {
                      long micros = (System.nanoTime() - due) / 1_000;
                      synchronized (httpMicros) {
                        if (failure != null) {
                          ioErrors[0]++;
                          if (firstError[0] == null) {
                            firstError[0] = failure.toString();
                          }
                          return null;
                        }
                        statuses.merge(response.statusCode(), 1, Integer::sum);
                        String id = response.statusCode() == 202 ? id(response.body()) : null;
                        if (id != null) {
                          httpMicros.recordValue(
                              Math.min(micros, httpMicros.getHighestTrackableValue()));
                          ids.add(id);
                        }
                      }
                      return null;
                    }));
      }
      // Every request has a bounded life: 30 s for its answer, then it counts as an error.
      CompletableFuture.allOf(inFlight.toArray(new CompletableFuture<?>[0]))
          .completeOnTimeout(null, 30, TimeUnit.SECONDS)
          .join();
    } finally {
      executor.shutdownNow();
    }
    synchronized (httpMicros) {
      return new Outcome(
          images.size(),
          List.copyOf(ids),
          Map.copyOf(statuses),
          ioErrors[0],
          firstError[0],
          httpMicros.copy(),
          maxLate / 1e6);
    }
  }

  private static HttpRequest request(String apiUrl, String apiKey, byte[] image) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.jpg\""
                + "\r\nContent-Type: image/jpeg\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(image);
    body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(URI.create(apiUrl + "/v1/uploads"))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
        .build();
  }

  /** The new upload's id, or null when a 202 carries none (counted under its status only). */
  private static String id(byte[] body) {
    try {
      var id = JSON.readTree(body).get("id");
      return id == null ? null : id.asText();
    } catch (Exception e) {
      return null;
    }
  }
}
