package dev.uploads.bench.reference;

import dev.uploads.bench.kit.Child;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own tools against the broker under test, at the relay's record size, each in a child JVM
 * on the tools' own classpath (kafka-tools 4.3.1 with its clients, ops/bench/kafka-tools; 4.4.0 is
 * not on Maven Central) and with the JVM options of Kafka's kafka-run-class.sh. ProducerPerformance
 * flat out or at a fixed rate (acks=all, idempotent, the relay's linger and batch size),
 * EndToEndLatency (one record at a time, produce → consume) and ConsumerPerformance. The CPU of
 * each is its JVM's, from the kit's launcher.
 */
public final class KafkaTools {
  static final Path LIB = Path.of("ops/bench/kafka-tools/target/lib");
  // As kafka-run-class.sh starts them; the tools format numbers in the default locale.
  private static final List<String> JVM =
      List.of(
          ("-Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35"
                  + " -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true"
                  + " -Duser.language=en -Duser.country=US")
              .split(" "));
  private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?)";
  static final Pattern PRODUCER =
      Pattern.compile(
          "([0-9]+)( steady state)? records sent, N records/sec \\(N MB/sec\\), N ms avg latency,"
              .concat(" N ms max latency, N ms 50th, N ms 95th, N ms 99th")
              .replace("N", NUMBER));
  private static final Pattern END_TO_END =
      Pattern.compile("Percentiles: 50th = ([0-9]+), 99th = ([0-9]+), 99.9th = ([0-9]+)");

  /** The relay's producer settings (RelayProducer). */
  public static final List<String> RELAY_PRODUCER =
      List.of(
          "acks=all",
          "enable.idempotence=true",
          "max.in.flight.requests.per.connection=5",
          "linger.ms=1",
          "batch.size=262144");

  /** What a run measured; the latencies are send → ack (producer) or produce → consume. */
  public record Run(
      long records, double recordsPerSecond, double p50Ms, double p99Ms, double cpuSeconds) {}

  /** A tool that could not be measured (not built, failed, printed no figures): its reason. */
  public static final class NotAvailable extends Exception {
    public NotAvailable(String reason) {
      super(reason);
    }
  }

  private KafkaTools() {}

  /** ProducerPerformance; {@code rate} records/s, or flat out when 0. */
  public static Run producer(
      String bootstrap, String topic, long records, int recordBytes, double rate, Path log)
      throws NotAvailable, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--record-size",
                Integer.toString(recordBytes),
                "--throughput",
                rate > 0 ? Long.toString(Math.max(1, Math.round(rate))) : "-1"));
    if (rate > 0) {
      // The first second's records open connections and fetch metadata, once per run.
      args.addAll(
          List.of(
              "--warmup-records",
              Long.toString(Math.min(records - 1, Math.max(1, Math.round(rate))))));
    }
    args.add("--command-property");
    args.addAll(RELAY_PRODUCER);
    Child.Output out =
        run(
            "ProducerPerformance",
            bootstrap,
            topic,
            records,
            args,
            Duration.ofSeconds(120 + records / 2_000),
            log);
    MatchResult summary = producerSummary(out.stdout());
    if (summary == null) {
      throw new NotAvailable("ProducerPerformance printed no summary: " + Child.tail(out.stdout()));
    }
    return new Run(
        Long.parseLong(summary.group(1)),
        Double.parseDouble(summary.group(3)),
        Double.parseDouble(summary.group(7)),
        Double.parseDouble(summary.group(9)),
        out.cpuSeconds());
  }

  /** The last summary: after warm-up records, the steady-state one. */
  static MatchResult producerSummary(String stdout) {
    MatchResult summary = null;
    for (Matcher m = PRODUCER.matcher(stdout); m.find(); ) {
      summary = m.toMatchResult();
    }
    return summary;
  }

  public static Run endToEnd(String bootstrap, String topic, int records, int recordBytes, Path log)
      throws NotAvailable, InterruptedException {
    Child.Output out =
        run(
            "EndToEndLatency",
            bootstrap,
            topic,
            records,
            List.of("--producer-acks", "all", "--record-size", Integer.toString(recordBytes)),
            Duration.ofSeconds(120),
            log);
    Matcher m = END_TO_END.matcher(out.stdout());
    if (!m.find()) {
      throw new NotAvailable("EndToEndLatency printed no percentiles: " + Child.tail(out.stdout()));
    }
    return new Run(
        records,
        records / out.wallSeconds(),
        Double.parseDouble(m.group(1)),
        Double.parseDouble(m.group(2)),
        out.cpuSeconds());
  }

  /** ConsumerPerformance reading {@code records} from the start in a new group; no latencies. */
  public static Run consumer(String bootstrap, String topic, long records, Path log)
      throws NotAvailable, InterruptedException {
    Child.Output out =
        run(
            "ConsumerPerformance",
            bootstrap,
            topic,
            records,
            // Gives up after 10 s without a record, so a topic with too few ends the run.
            List.of("--timeout", "10000"),
            Duration.ofSeconds(180 + records / 5_000),
            log);
    Map<String, String> stats = consumerStats(out.stdout());
    long consumed = Long.parseLong(stats.getOrDefault("data.consumed.in.nMsg", "0"));
    if (consumed < records || !stats.containsKey("nMsg.sec")) {
      throw new NotAvailable("ConsumerPerformance read " + consumed + " of " + records);
    }
    return new Run(consumed, Double.parseDouble(stats.get("nMsg.sec")), 0, 0, out.cpuSeconds());
  }

  /** The header line "start.time, end.time, data.consumed.in.MB, ..." and the line of values. */
  static Map<String, String> consumerStats(String out) {
    Map<String, String> stats = new HashMap<>();
    List<String> lines = out.lines().toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      String[] names = lines.get(i).split(",\\s*");
      String[] values = lines.get(i + 1).split(",\\s*");
      if (lines.get(i).startsWith("start.time") && names.length == values.length) {
        for (int j = 0; j < names.length; j++) {
          stats.put(names[j].trim(), values[j].trim());
        }
      }
    }
    return stats;
  }

  /** org.apache.kafka.tools.{@code tool} on the broker's topic, then {@code args}. */
  private static Child.Output run(
      String tool,
      String bootstrap,
      String topic,
      long records,
      List<String> args,
      Duration bound,
      Path log)
      throws NotAvailable, InterruptedException {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--bootstrap-server", bootstrap, "--topic", topic, "--num-records", "" + records));
    all.addAll(args);
    Path lib = LIB.toAbsolutePath();
    try (var jars = Files.list(lib)) {
      if (jars.noneMatch(j -> j.getFileName().toString().startsWith("kafka-tools-"))) {
        throw new NotAvailable("no kafka-tools jar in " + lib);
      }
      return Child.java(lib + "/*", JVM, "org.apache.kafka.tools." + tool, all, log)
          .finishOk(bound);
    } catch (IOException e) {
      throw new NotAvailable(
          "not available: " + e.getMessage() + " (mvn -pl ops/bench/kafka-tools package)");
    }
  }
}
