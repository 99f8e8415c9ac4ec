package dev.uploads.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The measurements this suite compares with, each a main of ops/reference or ops/peers run as a
 * child JVM that prints one JSON line. Kafka's own tools run on their own classpath (kafka-tools
 * 4.3.1, ops/reference/kafka-tools) through ops/reference's {@code CpuTimedMain}, which reports the
 * tool JVM's CPU time.
 */
final class References {
  private static final String BUILD_REFERENCE = "mvn -pl ops/reference -am package";
  private static final String BUILD_PEERS =
      "mvn -pl ops/peers/bench,ops/peers/debezium -am package";
  private static final Path REFERENCE_CLASSES = Path.of("ops/reference/target/classes");
  private static final Path REFERENCE_LIB = Path.of("ops/reference/target/lib");
  private static final Path KAFKA_TOOLS_LIB = Path.of("ops/reference/kafka-tools/target/lib");
  private static final List<String> JVM = List.of("-Xmx512m", "-Djava.awt.headless=true");
  static final String CPU_MARKER = "reference-cpu-seconds=";

  static final ChildJava PRODUCER_PERF =
      reference("KafkaProducerPerf", List.of(REFERENCE_LIB), List.of(KAFKA_TOOLS_LIB));
  static final ChildJava CONSUMER_PERF =
      reference("KafkaConsumerPerf", List.of(REFERENCE_LIB), List.of(KAFKA_TOOLS_LIB));
  static final ChildJava PG_TEST_FSYNC =
      reference("PgTestFsync", List.of(REFERENCE_LIB), List.of());
  static final ChildJava TOOLS = reference("Tools", List.of(), List.of());
  static final ChildJava KAFKA_TOOL =
      reference("CpuTimedMain", List.of(KAFKA_TOOLS_LIB), List.of());
  static final ChildJava DEBEZIUM =
      new ChildJava(
          "dev.uploads.peers.DebeziumRelayBench",
          Path.of("ops/peers/bench/target/classes"),
          List.of(Path.of("ops/peers/bench/target/lib")),
          List.of(Path.of("ops/peers/debezium/target/lib")),
          BUILD_PEERS);

  /** A reference that is not built (or failed to run): the reason takes the figure's place. */
  static final class NotAvailable extends Exception {
    NotAvailable(String reason) {
      super(reason);
    }
  }

  private References() {}

  private static ChildJava reference(String name, List<Path> libs, List<Path> needs) {
    return new ChildJava(
        "dev.uploads.reference." + name, REFERENCE_CLASSES, libs, needs, BUILD_REFERENCE);
  }

  /** Runs the main and returns its JSON line; not built, failed or silent is NotAvailable. */
  static JsonNode json(ChildJava main, List<String> args, Duration timeout, Path log)
      throws NotAvailable, InterruptedException {
    return json(main, JVM, args, timeout, log);
  }

  static JsonNode json(
      ChildJava main, List<String> jvm, List<String> args, Duration timeout, Path log)
      throws NotAvailable, InterruptedException {
    try {
      return output(main, jvm, args, timeout, log).lastJsonLine();
    } catch (java.io.IOException e) {
      throw new NotAvailable(e.getMessage());
    }
  }

  /** One of Kafka's tools (e.g. org.apache.kafka.tools.EndToEndLatency) and its CPU-seconds. */
  record ToolRun(String stdout, double cpuSeconds, double wallSeconds) {}

  static ToolRun kafkaTool(String toolClass, List<String> args, Duration timeout, Path log)
      throws NotAvailable, InterruptedException {
    List<String> all = new ArrayList<>();
    all.add(toolClass);
    all.addAll(args);
    ChildJava.Output out;
    try {
      out = output(KAFKA_TOOL, JVM, all, timeout, log);
    } catch (java.io.IOException e) {
      throw new NotAvailable(e.getMessage());
    }
    double cpu =
        out.stderr()
            .lines()
            .filter(l -> l.startsWith(CPU_MARKER))
            .map(l -> Double.parseDouble(l.substring(CPU_MARKER.length())))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new NotAvailable(toolClass + " reported no CPU time"));
    return new ToolRun(out.stdout(), cpu, out.wallSeconds());
  }

  private static ChildJava.Output output(
      ChildJava main, List<String> jvm, List<String> args, Duration timeout, Path log)
      throws NotAvailable, InterruptedException, java.io.IOException {
    var missing = main.missing();
    if (missing.isPresent()) {
      throw new NotAvailable("not available: " + missing.get());
    }
    return main.runOk(jvm, args, timeout, log);
  }
}
