package dev.uploads.infra;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Layout and generated files of one broker's data directory. */
final class KafkaDataDir {

  static final int NODE_ID = 1;
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final int LOG_TAIL_BYTES = 16 * 1024;

  private final Path root;
  private final Path brokerLog;

  KafkaDataDir(Path root, Path brokerLog) {
    this.root = root.toAbsolutePath();
    this.brokerLog = brokerLog.toAbsolutePath();
  }

  Path root() {
    return root;
  }

  Path serverProperties() {
    return root.resolve("server.properties");
  }

  Path logbackConfig() {
    return root.resolve("broker-logback.xml");
  }

  Path brokerLog() {
    return brokerLog;
  }

  Path logDir() {
    return root.resolve("logs");
  }

  boolean isFormatted() {
    return Files.exists(logDir().resolve("meta.properties"));
  }

  /** Rewritten on every launch so that the file always matches the ports in use. */
  void writeConfig(int port, int controllerPort) throws IOException {
    Files.createDirectories(root);
    Map<String, String> config = new LinkedHashMap<>();
    config.put("process.roles", "broker,controller");
    config.put("node.id", String.valueOf(NODE_ID));
    config.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + port
            + ","
            + CONTROLLER_LISTENER
            + "://127.0.0.1:"
            + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    config.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    config.put("controller.listener.names", CONTROLLER_LISTENER);
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    config.put("log.dirs", logDir().toString());
    config.put("auto.create.topics.enable", "false");
    config.put("num.partitions", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    // A single node can only ever hold one replica of the internal topics.
    config.put("offsets.topic.replication.factor", "1");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    // The defaults of 50 partitions make the first consumer group or transaction slow to start.
    config.put("offsets.topic.num.partitions", "4");
    config.put("transaction.state.log.num.partitions", "4");
    config.put("share.coordinator.state.topic.num.partitions", "1");
    // After a kill the old registration blocks the restarted broker until its session expires
    // (default 9 s); heartbeats are in-process here, so a short session is safe.
    config.put("broker.heartbeat.interval.ms", "500");
    config.put("broker.session.timeout.ms", "3000");
    // Small footprint: the machine runs tests, an app and this broker on two cores.
    config.put("num.network.threads", "2");
    config.put("num.io.threads", "4");
    config.put("background.threads", "2");
    config.put("num.recovery.threads.per.data.dir", "1");
    config.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
    String text =
        config.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("\n", "", "\n"));
    Files.writeString(serverProperties(), text);
    Files.writeString(logbackConfig(), LOGBACK);
  }

  void markLaunch(String what) throws IOException {
    Files.createDirectories(brokerLog().getParent());
    Files.writeString(
        brokerLog(),
        "===== " + Instant.now() + " " + what + " =====\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Reads only the end of the file: broker.log grows without bound in a long-lived stack. */
  private String logTail(int lines) {
    Path log = brokerLog();
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, file.length() - LOG_TAIL_BYTES);
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
      return String.join(
          "\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    } catch (IOException e) {
      return "(no " + log + ": " + e + ")";
    }
  }

  IllegalStateException failure(String message) {
    return new IllegalStateException(
        message + "; last lines of " + brokerLog() + ":\n" + logTail(40));
  }

  // Used when logback is the SLF4J provider on the classpath (Dropwizard modules, this module's
  // tests); without it logback would log everything at DEBUG.
  private static final String LOGBACK =
      """
      <configuration>
        <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
        </appender>
        <logger name="state.change.logger" level="WARN"/>
        <logger name="kafka.request.logger" level="WARN"/>
        <logger name="org.apache.kafka.clients" level="WARN"/>
        <turboFilter class="dev.uploads.infra.ControllerActivationNotice"/>
        <root level="INFO"><appender-ref ref="OUT"/></root>
      </configuration>
      """;
}
