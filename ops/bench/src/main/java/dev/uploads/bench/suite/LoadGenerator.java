package dev.uploads.bench.suite;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.bench.jobs.TexturedJpeg;
import dev.uploads.bench.kit.Child;
import dev.uploads.bench.kit.Cpu;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The HTTP load generator in a JVM of its own, started by the kit's launcher on this JVM's
 * classpath, so that its CPU is not the system's: {@link Cpu} keeps it apart, and the suite reports
 * it beside the system's. It prepares the upload requests once (small distinct JPEGs: the figure is
 * the upload path, not image size) and stays up, warm, for every load of a group. Protocol: it
 * prints {@code ready}; each stdin line {@code load RATE CONNECTIONS SECONDS} runs one open-loop
 * load ({@link #openLoop}) and prints {@code result <LoadResult as JSON>}; stdin closed stops it.
 */
final class LoadGenerator implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BOUNDARY = "bench-7c1f0a9e3b5d4c2a";

  private final Child child;

  private LoadGenerator(Child child) {
    this.child = child;
  }

  static LoadGenerator start(InetSocketAddress api, String apiKey, Cpu cpu, Path log)
      throws Exception {
    Child child =
        Child.java(
            System.getProperty("java.class.path"),
            List.of("-Xmx512m", "-Djava.awt.headless=true"),
            LoadGenerator.class.getName(),
            List.of(api.getHostString(), Integer.toString(api.getPort()), apiKey),
            log);
    cpu.apart(child.pid());
    child.next("ready", Duration.ofSeconds(60));
    return new LoadGenerator(child);
  }

  LoadResult openLoop(double rate, int connections, Duration length) throws Exception {
    child.send(String.format("load %.3f %d %d", rate, connections, length.toSeconds()));
    String line = child.next("result ", length.plusSeconds(90));
    return JSON.readValue(line.substring("result ".length()), LoadResult.class);
  }

  @Override
  public void close() throws InterruptedException {
    child.close();
  }

  /** LoadGenerator HOST PORT API_KEY: the child's side. */
  public static void main(String[] args) throws Exception {
    InetSocketAddress api = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    List<byte[]> requests = multipart(jpegs(200, 64, 48), args[0] + ":" + args[1], args[2]);
    System.out.println("ready");
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] f = line.split(" ");
      LoadResult result =
          openLoop(
              api,
              requests,
              Double.parseDouble(f[1]),
              Integer.parseInt(f[2]),
              Duration.ofSeconds(Long.parseLong(f[3])));
      System.out.println("result " + JSON.writeValueAsString(result));
    }
  }

  /**
   * Drives {@code POST /v1/uploads} from a fixed set of threads, one keep-alive connection each.
   * Open loop: request i is due at {@code start + i / rate}, whoever sends it; its latency counts
   * from that due time, so a stalled server shows up as latency instead of as fewer requests (no
   * coordinated omission). Threads are only a pool of connections, generously sized.
   */
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

  /** count distinct small textured JPEGs (different bytes, so different SHA-256 and blob keys). */
  static List<byte[]> jpegs(int count, int width, int height) {
    List<byte[]> images = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      images.add(TexturedJpeg.make(width, height, 1_000 + i));
    }
    return images;
  }

  /** One HTTP/1.1 keep-alive request per image, multipart with the file in field {@code file}. */
  static List<byte[]> multipart(List<byte[]> jpegs, String hostPort, String apiKey) {
    List<byte[]> requests = new ArrayList<>(jpegs.size());
    for (int i = 0; i < jpegs.size(); i++) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(
          ("--"
                  + BOUNDARY
                  + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench-"
                  + i
                  + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      body.writeBytes(jpegs.get(i));
      body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
      String head =
          "POST /v1/uploads HTTP/1.1\r\nHost: "
              + hostPort
              + "\r\nAuthorization: Bearer "
              + apiKey
              + "\r\nContent-Type: multipart/form-data; boundary="
              + BOUNDARY
              + "\r\nContent-Length: "
              + body.size()
              + "\r\n\r\n";
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
      request.writeBytes(body.toByteArray());
      requests.add(request.toByteArray());
    }
    return requests;
  }
}
