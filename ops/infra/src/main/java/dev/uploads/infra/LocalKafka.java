package dev.uploads.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node KRaft Kafka broker (broker and controller in one) running in a child JVM, so that
 * tests can kill it like a crashed server and start it again on the same data.
 */
public final class LocalKafka implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaDataDir dataDir;
  private final int port;
  private final int controllerPort;
  private Process process;

  private LocalKafka(Path dataDir, int port, int controllerPort, Path log) {
    this.dataDir = new KafkaDataDir(dataDir, log);
    this.port = port;
    this.controllerPort = controllerPort;
    // Without this a broker would keep running after a normal exit of the JVM that owns it.
    ShutdownOrder.atExit("Kafka", this::stop);
  }

  /** Starts the broker and waits until it serves requests. Port 0 picks a free port, kept. */
  public static LocalKafka start(Path dataDir, int port, int controllerPort) {
    return start(dataDir, port, controllerPort, dataDir.resolve("broker.log"));
  }

  /** As {@link #start(Path, int, int)}, with the broker's output appended to log. */
  public static LocalKafka start(Path dataDir, int port, int controllerPort, Path log) {
    LocalKafka kafka =
        new LocalKafka(
            dataDir,
            port == 0 ? Ports.free() : port,
            controllerPort == 0 ? Ports.free() : controllerPort,
            log);
    kafka.launch();
    return kafka;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the broker again on the same data and ports, after stop() or kill(). */
  public synchronized void restart() {
    stop();
    launch();
  }

  /** Graceful shutdown: SIGTERM lets the broker flush and close its logs. Idempotent. */
  public synchronized void stop() {
    if (process != null) {
      process.destroy();
      awaitExit();
    }
  }

  /** Abrupt termination like kill -9: the broker gets no chance to clean up. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      awaitExit();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Creates the topics with replication factor 1; topics that already exist are left alone. */
  public void createTopics(Map<String, Integer> partitionsByName) {
    List<NewTopic> topics =
        partitionsByName.entrySet().stream()
            .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
            .toList();
    try (Admin admin = admin(bootstrapServers())) {
      // Checked one by one: all() would hide which topics were created when one already exists.
      for (Map.Entry<String, KafkaFuture<Void>> result :
          admin.createTopics(topics).values().entrySet()) {
        try {
          result.getValue().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("could not create topic " + result.getKey(), e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out creating topics " + partitionsByName.keySet(), e);
    }
  }

  private synchronized void launch() {
    try {
      dataDir.writeConfig(port, controllerPort);
      if (!dataDir.isFormatted()) {
        KafkaProcesses.format(dataDir);
      }
      process = KafkaProcesses.startBroker(dataDir, bootstrapServers());
    } catch (IOException e) {
      throw new UncheckedIOException("could not launch Kafka in " + dataDir.root(), e);
    }
    try {
      KafkaReadiness.await(process, port, dataDir, READY_TIMEOUT);
    } catch (RuntimeException e) {
      kill();
      throw e;
    }
  }

  /** Short timeouts: a local broker that does not answer within seconds is not coming back. */
  static Admin admin(String bootstrapServers) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
  }

  private void awaitExit() {
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }
}
