package dev.uploads.infra;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * Launches the child JVMs of a local broker; their output goes to broker.log, never the console.
 */
final class KafkaProcesses {

  private static final long FORMAT_TIMEOUT_SECONDS = 60;
  private static final List<String> JVM_OPTIONS =
      List.of(
          "-Xms64m",
          "-Xmx512m",
          "-XX:+UseSerialGC",
          "-XX:+ExitOnOutOfMemoryError",
          "-Djava.awt.headless=true");

  private KafkaProcesses() {}

  /** Formats KRaft storage under a new random cluster id; the broker refuses to start without. */
  static void format(KafkaDataDir dir) throws IOException {
    dir.markLaunch("formatting storage");
    Process formatter =
        start(
            dir,
            KafkaStorageFormat.class,
            List.of(dir.logDir().toString(), Uuid.randomUuid().toString()));
    try {
      if (!formatter.waitFor(FORMAT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        formatter.destroyForcibly();
        throw dir.failure("formatting Kafka storage timed out");
      }
    } catch (InterruptedException e) {
      formatter.destroyForcibly();
      Thread.currentThread().interrupt();
      throw dir.failure("interrupted while formatting Kafka storage");
    }
    if (formatter.exitValue() != 0) {
      throw dir.failure("formatting Kafka storage failed with exit code " + formatter.exitValue());
    }
  }

  static Process startBroker(KafkaDataDir dir, String bootstrapServers) throws IOException {
    dir.markLaunch("starting broker on " + bootstrapServers);
    return start(dir, KafkaBrokerMain.class, List.of(dir.serverProperties().toString()));
  }

  private static Process start(KafkaDataDir dir, Class<?> mainClass, List<String> args)
      throws IOException {
    List<String> jvmOptions = new ArrayList<>(JVM_OPTIONS);
    jvmOptions.add("-Dlogback.configurationFile=" + dir.logbackConfig());
    // stdin stays a pipe from this JVM: KafkaBrokerMain exits when it reads EOF from it.
    return new ProcessBuilder(ChildJvm.command(jvmOptions, mainClass, args))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.brokerLog().toFile()))
        .start();
  }
}
