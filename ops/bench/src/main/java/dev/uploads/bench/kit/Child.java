package dev.uploads.bench.kit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The benchmarks' one launcher of child processes: a JVM on a given classpath (a reference tool,
 * Debezium, the load generator) or a native tool (pgbench, vipsthumbnail, pg_test_fsync). Its
 * stdout is kept line by line (and copied to a log file), so a caller can wait for a line or talk
 * to it over stdin; stderr goes to a log file. Every wait is bounded, and a child is killed with
 * its descendants when it overruns or is closed. {@link #pid} is for {@link Cpu}; once the child
 * has exited, {@link Output#cpuSeconds} is its CPU (exact when no other child exits meanwhile).
 */
public final class Child implements AutoCloseable {
  /** What a finished child printed; {@code cpuSeconds} from this JVM's reaped-children times. */
  public record Output(String stdout, String stderr, double wallSeconds, double cpuSeconds) {}

  private final String name;
  private final Process process;
  private final Path stderr;
  private final long startNanos = System.nanoTime();
  private final double reapedAtStart;
  private final List<String> stdout = new ArrayList<>();
  private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
  private final Thread reader;
  private final PrintWriter stdin;

  private Child(String name, ProcessBuilder builder, Path log) throws IOException {
    this.name = name;
    Files.createDirectories(log.toAbsolutePath().getParent());
    this.stderr = Path.of(log + ".err");
    this.reapedAtStart = Cpu.reapedChildren();
    this.process = builder.redirectError(stderr.toFile()).start();
    this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    this.reader = new Thread(() -> read(Path.of(log + ".out")), "bench-child-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** A JVM running {@code main} on {@code classpath}, with this JVM's java. */
  public static Child java(
      String classpath, List<String> jvmOptions, String main, List<String> args, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, main));
    command.addAll(args);
    return new Child(main.substring(main.lastIndexOf('.') + 1), new ProcessBuilder(command), log);
  }

  /** A program; {@code environment} is added to this JVM's (e.g. LD_LIBRARY_PATH). */
  public static Child command(List<String> command, Map<String, String> environment, Path log)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    return new Child(Path.of(command.get(0)).getFileName().toString(), builder, log);
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Writes one line to the child's stdin. */
  public void send(String line) {
    stdin.println(line);
  }

  /**
   * The next unread line starting with {@code prefix} (lines before it are passed over); fails when
   * the child exits or the bound passes first.
   */
  public String next(String prefix, Duration bound) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      String line = unread.poll(50, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
      if (line == null && !reader.isAlive() && unread.isEmpty()) {
        throw new IOException(name + " exited before printing '" + prefix + "'" + stderrTail());
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(name + " printed no '" + prefix + "' in " + bound.toSeconds() + " s");
      }
    }
  }

  /**
   * Waits for the child to exit on its own; kills it when the bound passes. An overrun or a
   * non-zero exit is an error carrying the end of its output.
   */
  public Output finishOk(Duration bound) throws IOException, InterruptedException {
    stdin.close();
    if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
      throw new IOException(name + " did not finish in " + bound.toSeconds() + " s" + stderrTail());
    }
    double wall = (System.nanoTime() - startNanos) / 1e9;
    reader.join(10_000);
    double cpu = Cpu.reapedChildren() - reapedAtStart;
    String out;
    synchronized (stdout) {
      out = String.join("\n", stdout);
    }
    String err = Files.readString(stderr);
    if (process.exitValue() != 0) {
      throw new IOException(
          name + " failed (exit " + process.exitValue() + "): " + tail(out + "\n" + err));
    }
    return new Output(out, err, wall, cpu);
  }

  /** Closes its stdin (children that watch it stop), waits up to 30 s, then kills it. */
  @Override
  public void close() throws InterruptedException {
    stdin.close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }

  private void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  private void read(Path copy) {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter file = new PrintWriter(Files.newBufferedWriter(copy), true)) {
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        file.println(text);
        synchronized (stdout) {
          stdout.add(text);
        }
        unread.add(text);
      }
    } catch (IOException e) {
      // the child is gone; next() and finish() say so
    }
  }

  private String stderrTail() {
    try {
      return ": " + tail(Files.readString(stderr));
    } catch (IOException e) {
      return "";
    }
  }

  /** The last four lines of a text, on one line. */
  public static String tail(String text) {
    List<String> lines = text.strip().lines().toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
  }
}
