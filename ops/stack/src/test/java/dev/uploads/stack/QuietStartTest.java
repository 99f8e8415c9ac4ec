package dev.uploads.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.uploads.infra.Ports;
import dev.uploads.worker.emails.EmailJob;
import dev.uploads.worker.stats.StatsJob;
import dev.uploads.worker.thumbnails.ThumbnailJob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;

/**
 * The local stack started the way ops/local starts it (a JVM of its own on the main classpath, the
 * same main class and arguments): the terminal shows the stack's own lines, the third-party output
 * is in the log files under the data directory, and neither holds a warning or an error. Then again
 * on the same data with UPLOADS_VERBOSE=true, which brings the third-party output back to the
 * terminal.
 */
class QuietStartTest {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_LINES_TO_UP = 40;

  /** A warning or an error in each format that reaches the terminal or a log file. */
  private static final Pattern PROBLEM =
      Pattern.compile(
          String.join(
              "|",
              "^(WARN|ERROR)\\b", // logback with Dropwizard's layout: the services
              "^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +(WARN|ERROR)\\b", // logback, the broker's layout
              "\\|-(WARN|ERROR) in ", // logback's own status messages
              "\\b(WARNING|ERROR|FATAL|PANIC): ", // the PostgreSQL server
              "^\\w+: (warning|error): ", // initdb and pg_ctl
              "^\\[(WARNING|ERROR)\\]", // Maven
              "^Exception in thread "));

  /**
   * The one error left, on the first start only: Liquibase (4.33) probes its lock table with a
   * SELECT before it has created it in an empty database, and PostgreSQL logs the failed statement.
   * A restart on the same data must not show it.
   */
  private static final Pattern FRESH_DATABASE_PROBE =
      Pattern.compile(
          "ERROR:  relation \"public\\.databasechangeloglock\" does not exist at character \\d+$"
              + "|STATEMENT:  SELECT COUNT\\(\\*\\) FROM public\\.databasechangeloglock$");

  private static final Pattern DEBUG =
      Pattern.compile("^(DEBUG|TRACE)\\b|^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +(DEBUG|TRACE)\\b");

  @Test
  void startsQuietlyWithoutWarningsAndVerboseShowsTheRest() throws Exception {
    Path data = Files.createTempDirectory("quiet-start");
    int kafkaPort = Ports.free();
    List<String> args =
        List.of(
            "--data-dir=" + data,
            "--api-port=" + Ports.free(),
            "--admin-port=" + Ports.free(),
            "--worker-admin-port=" + Ports.free(),
            "--smtp-port=" + Ports.free(),
            "--postgres-port=" + Ports.free(),
            "--kafka-port=" + kafkaPort,
            "--kafka-controller-port=" + Ports.free());

    Path logs = data.resolve("logs");
    List<String> quiet = runUntilUp(args, Map.of(), kafkaPort, logs, true);
    int upAt = lineOf(quiet, "Local stack is up");
    assertTrue(
        upAt + 1 < MAX_LINES_TO_UP,
        "the terminal printed "
            + (upAt + 1)
            + " lines up to 'is up':\n"
            + String.join("\n", quiet));
    assertNoProblems("the terminal", quiet);
    assertTrue(
        quiet.stream().anyMatch(l -> l.matches("PostgreSQL started on .* in \\d+\\.\\d s")),
        "a progress line per step:\n" + String.join("\n", quiet));
    for (String name : List.of("services.log", "kafka.log", "postgres.log")) {
      assertTrue(
          Files.size(logs.resolve(name)) > 0, name + " holds the output the terminal no longer");
    }
    assertTrue(
        contains(logs.resolve("services.log"), "org.eclipse.jetty"),
        "Jetty's lines are in services.log");

    List<String> verbose =
        runUntilUp(args, Map.of("UPLOADS_VERBOSE", "true"), kafkaPort, logs, false);
    assertTrue(
        verbose.stream().anyMatch(l -> l.startsWith("INFO") && l.contains("org.eclipse.jetty")),
        "verbose shows the services' third-party lines:\n" + String.join("\n", verbose));
    assertNoProblems("the verbose terminal", verbose);
  }

  /**
   * Starts the stack, waits until it is up and every job's consumer group is stable (warnings of
   * the consumers come after "is up"), checks the log files of the start, stops the stack as Ctrl-C
   * would and returns the terminal's lines.
   */
  private static List<String> runUntilUp(
      List<String> args, Map<String, String> env, int kafkaPort, Path logs, boolean fresh)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx1g", "-cp", classPath()));
    command.add(LocalStack.class.getName());
    command.addAll(args);
    // Only what this start writes counts: an earlier run's stop is not part of it.
    Map<Path, Long> before = sizes(logs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process stack = builder.start();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(stack.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("(reading the terminal failed: " + e + ")");
              }
            },
            "terminal");
    reader.start();
    try {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (lineOf(lines, "Local stack is up") < 0) {
        if (!stack.isAlive() || System.nanoTime() > deadline) {
          fail("the stack did not come up:\n" + String.join("\n", copy(lines)));
        }
        Thread.sleep(200);
      }
      awaitStableGroups("127.0.0.1:" + kafkaPort, deadline);
      assertLogsClean(logs, before, fresh);
    } finally {
      // SIGTERM runs the stack's shutdown hook, as Ctrl-C does.
      stack.destroy();
      if (!stack.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        stack.destroyForcibly();
      }
      reader.join(STOP_TIMEOUT.toMillis());
    }
    return copy(lines);
  }

  /** This JVM's java, as ops/local runs the java on the PATH. */
  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The test classpath without test classes: their logback-test.xml would configure the stack's
   * logging before it does, which a user's run never sees.
   */
  private static String classPath() {
    String all =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Stream.of(all.split(java.io.File.pathSeparator))
        .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("-tests.jar"))
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  private static void awaitStableGroups(String bootstrap, long deadline) throws Exception {
    List<String> groups = List.of(ThumbnailJob.NAME, EmailJob.NAME, StatsJob.NAME);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      while (true) {
        Map<String, ConsumerGroupDescription> described =
            admin.describeConsumerGroups(groups).all().get(30, TimeUnit.SECONDS);
        if (described.values().stream().allMatch(g -> g.groupState() == GroupState.STABLE)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          fail("the jobs' consumer groups did not settle: " + described);
        }
        Thread.sleep(200);
      }
    }
  }

  private static Map<Path, Long> sizes(Path logs) throws IOException {
    if (!Files.isDirectory(logs)) {
      return Map.of();
    }
    try (Stream<Path> files = Files.list(logs)) {
      Map<Path, Long> sizes = new java.util.HashMap<>();
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        sizes.put(file, Files.size(file));
      }
      return sizes;
    }
  }

  private static void assertLogsClean(Path logs, Map<Path, Long> before, boolean fresh)
      throws IOException {
    try (Stream<Path> files = Files.list(logs)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        int from = before.getOrDefault(file, 0L).intValue();
        List<String> lines =
            new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8)
                .lines()
                .filter(l -> !(fresh && FRESH_DATABASE_PROBE.matcher(l).find()))
                .toList();
        assertNoProblems(file.toString(), lines);
        List<String> debug = lines.stream().filter(l -> DEBUG.matcher(l).find()).toList();
        assertEquals(List.of(), debug, file + " holds DEBUG lines");
      }
    }
  }

  private static void assertNoProblems(String where, List<String> lines) {
    List<String> problems = lines.stream().filter(l -> PROBLEM.matcher(l).find()).toList();
    assertEquals(List.of(), problems, where + " holds warnings or errors");
  }

  private static int lineOf(List<String> lines, String text) {
    List<String> snapshot = copy(lines);
    for (int i = 0; i < snapshot.size(); i++) {
      if (snapshot.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean contains(Path file, String text) {
    try {
      return Files.readString(file).contains(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> copy(List<String> lines) {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }
}
