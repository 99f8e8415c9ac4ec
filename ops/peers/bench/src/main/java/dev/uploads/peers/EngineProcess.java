package dev.uploads.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * ops/peers/debezium's relay in a child JVM on that module's own classpath, so Debezium's Kafka
 * clients never meet this JVM's. Its stdout lines say how far it got (see DebeziumRelay); its
 * stderr, Debezium's log, goes to a file. Closing its stdin stops it.
 */
final class EngineProcess implements AutoCloseable {
  private static final String MAIN = "dev.uploads.peers.debezium.DebeziumRelay";
  private static final Duration STOP_BOUND = Duration.ofSeconds(40);

  /** USER_HZ: the unit of /proc times on every mainstream Linux architecture. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final Process process;
  private final Path log;

  /** First line starting with each word, and System.nanoTime() when it arrived. */
  private final Map<String, String> lines = new ConcurrentHashMap<>();

  private final Map<String, Long> arrivals = new ConcurrentHashMap<>();

  private EngineProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static EngineProcess start(String classpath, List<String> args, Path log) throws IOException {
    for (String entry : classpath.split(":")) {
      Path path = Path.of(entry.endsWith("/*") ? entry.substring(0, entry.length() - 2) : entry);
      if (!Files.isDirectory(path) && !Files.isRegularFile(path)) {
        throw new IllegalStateException(
            path + " is missing: build it with mvn -pl ops/peers/debezium package");
      }
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx1g");
    command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    command.add("-cp");
    command.add(classpath);
    command.add(MAIN);
    command.addAll(args);
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
    EngineProcess engine = new EngineProcess(process, log);
    Thread reader = new Thread(engine::readLines, "debezium-peer-stdout");
    reader.setDaemon(true);
    reader.start();
    return engine;
  }

  /** The first line starting with word; fails if the child exits or the bound passes first. */
  String await(String word, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!lines.containsKey(word)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the Debezium relay exited with " + process.exitValue() + " before " + word + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no " + word + " from the Debezium relay in " + bound);
      }
      Thread.sleep(10);
    }
    return lines.get(word);
  }

  long arrival(String word) {
    return arrivals.get(word);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  double cpuSeconds() {
    return cpuSeconds(process.pid());
  }

  /** User plus system CPU of a live process, from /proc/pid/stat. */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name is in parentheses and may itself contain spaces or parentheses.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new UncheckedIOException("no CPU times for process " + pid, e);
    }
  }

  /** The last lines of the child's log, for error messages. */
  String tail() {
    try {
      List<String> all = Files.readAllLines(log);
      return "; last lines of "
          + log
          + ":\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
    } catch (IOException e) {
      return "; no log at " + log;
    }
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!process.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void readLines() {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        long now = System.nanoTime();
        String word = line.split(" ", 2)[0];
        arrivals.putIfAbsent(word, now);
        lines.putIfAbsent(word, line);
        System.err.println("  debezium: " + line);
      }
    } catch (IOException e) {
      // The child is gone; await() reports that.
    }
  }
}
