package dev.uploads.bench.suite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own tools against the broker under test, at the relay's record size: ProducerPerformance
 * at a fixed rate (acks=all, idempotent, the relay's linger and batch size) for send → ack latency
 * at the rates the relay is measured at, and EndToEndLatency (one record at a time, produce →
 * consume) for the broker's end-to-end latency.
 */
final class BrokerReference {
  private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?)";
  private static final Pattern PRODUCER =
      Pattern.compile(
          "([0-9]+)( steady state)? records sent, "
              + NUMBER
              + " records/sec \\("
              + NUMBER
              + " MB/sec\\), "
              + NUMBER
              + " ms avg latency, "
              + NUMBER
              + " ms max latency, "
              + NUMBER
              + " ms 50th, "
              + NUMBER
              + " ms 95th, "
              + NUMBER
              + " ms 99th");
  private static final Pattern END_TO_END =
      Pattern.compile("Percentiles: 50th = ([0-9]+), 99th = ([0-9]+), 99.9th = ([0-9]+)");

  /** The relay's producer settings beyond acks and idempotence (RelayProducer). */
  static final List<String> RELAY_PRODUCER =
      List.of(
          "acks=all",
          "enable.idempotence=true",
          "max.in.flight.requests.per.connection=5",
          "linger.ms=1",
          "batch.size=262144");

  record Latency(
      long records, double recordsPerSecond, double p50Ms, double p99Ms, double cpuSeconds) {}

  private BrokerReference() {}

  static Latency producerAtRate(
      String bootstrap, String topic, double rate, int seconds, int recordBytes, Path log)
      throws References.NotAvailable, InterruptedException {
    long records = Math.max(1, Math.round(rate * seconds));
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--bootstrap-server",
                bootstrap,
                "--topic",
                topic,
                "--num-records",
                Long.toString(records),
                "--record-size",
                Integer.toString(recordBytes),
                "--throughput",
                Long.toString(Math.max(1, Math.round(rate))),
                // The first second's records open connections and fetch metadata, once per run.
                "--warmup-records",
                Long.toString(Math.min(records - 1, Math.max(1, Math.round(rate)))),
                "--command-property"));
    args.addAll(RELAY_PRODUCER);
    References.ToolRun run =
        References.kafkaTool(
            "org.apache.kafka.tools.ProducerPerformance",
            args,
            Duration.ofSeconds(seconds + 120L),
            log);
    // The steady-state summary, after the warm-up records, is the last one.
    java.util.regex.MatchResult summary = null;
    for (Matcher m = PRODUCER.matcher(run.stdout()); m.find(); ) {
      summary = m.toMatchResult();
    }
    if (summary == null) {
      throw new References.NotAvailable(
          "ProducerPerformance printed no summary: " + ChildJava.tail(run.stdout()));
    }
    return new Latency(
        Long.parseLong(summary.group(1)),
        Double.parseDouble(summary.group(3)),
        Double.parseDouble(summary.group(7)),
        Double.parseDouble(summary.group(9)),
        run.cpuSeconds());
  }

  static Latency endToEnd(String bootstrap, String topic, int records, int recordBytes, Path log)
      throws References.NotAvailable, InterruptedException {
    References.ToolRun run =
        References.kafkaTool(
            "org.apache.kafka.tools.EndToEndLatency",
            List.of(
                "--bootstrap-server",
                bootstrap,
                "--topic",
                topic,
                "--num-records",
                Integer.toString(records),
                "--producer-acks",
                "all",
                "--record-size",
                Integer.toString(recordBytes)),
            Duration.ofSeconds(120),
            log);
    Matcher m = END_TO_END.matcher(run.stdout());
    if (!m.find()) {
      throw new References.NotAvailable(
          "EndToEndLatency printed no percentiles: " + ChildJava.tail(run.stdout()));
    }
    return new Latency(
        records,
        records / run.wallSeconds(),
        Double.parseDouble(m.group(1)),
        Double.parseDouble(m.group(2)),
        run.cpuSeconds());
  }
}
