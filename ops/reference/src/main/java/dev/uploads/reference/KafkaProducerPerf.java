package dev.uploads.reference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own ProducerPerformance (kafka-producer-perf-test) without a throughput limit, durable
 * like the relay's producer (acks=all, idempotent): how fast a plain producer publishes records of
 * the relay's size to this broker. Latency is from send to acknowledgement, per record.
 */
public final class KafkaProducerPerf {
  private static final String MAIN = "org.apache.kafka.tools.ProducerPerformance";
  private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?)";
  static final Pattern SUMMARY =
      Pattern.compile(
          "([0-9]+) records sent, "
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
              + " ms 99th, "
              + NUMBER
              + " ms 99.9th");

  /** MB is 2^20 bytes, as the tool counts. */
  public record Result(
      String reference,
      String topic,
      long records,
      int recordSize,
      Map<String, String> producerProperties,
      double recordsPerSecond,
      double mbPerSecond,
      double avgLatencyMs,
      double p50Ms,
      double p95Ms,
      double p99Ms,
      double p999Ms,
      double maxLatencyMs,
      double cpuSeconds,
      double wallSeconds,
      String kafkaTools) {}

  private KafkaProducerPerf() {}

  /**
   * extraProperties are producer settings on top of acks=all and enable.idempotence=true (e.g. the
   * relay's linger.ms and batch.size, to compare like with like).
   */
  public static Result run(
      KafkaToolJvm jvm,
      String bootstrapServers,
      String topic,
      long records,
      int recordSize,
      Map<String, String> extraProperties,
      Path workDir)
      throws IOException, InterruptedException {
    if (records < 1 || records > 50_000_000 || recordSize < 1 || recordSize > 1_000_000) {
      throw new IllegalArgumentException("records 1..50,000,000 and record size 1..1,000,000");
    }
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("acks", "all");
    properties.put("enable.idempotence", "true");
    properties.putAll(extraProperties);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-server",
                bootstrapServers,
                "--topic",
                topic,
                "--num-records",
                Long.toString(records),
                "--record-size",
                Integer.toString(recordSize),
                "--throughput",
                "-1",
                "--command-property"));
    properties.forEach((k, v) -> args.add(k + "=" + v));
    // Well above the run at a few thousand records/s, so only a stuck run reaches it.
    long timeoutSeconds = 120 + records / 2_000;
    KafkaToolJvm.Run run = jvm.run(MAIN, args, timeoutSeconds, workDir);
    Matcher m = SUMMARY.matcher(run.stdout());
    if (!m.find()) {
      throw new IllegalStateException("ProducerPerformance printed no summary:\n" + run.stdout());
    }
    long sent = Long.parseLong(m.group(1));
    if (sent != records) {
      throw new IllegalStateException("ProducerPerformance sent " + sent + " of " + records);
    }
    return new Result(
        "kafka_producer_performance",
        topic,
        sent,
        recordSize,
        properties,
        number(m, 2),
        number(m, 3),
        number(m, 4),
        number(m, 6),
        number(m, 7),
        number(m, 8),
        number(m, 9),
        number(m, 5),
        round(run.cpuSeconds()),
        round(run.wallSeconds()),
        jvm.version());
  }

  private static double number(Matcher m, int group) {
    return Double.parseDouble(m.group(group));
  }

  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  /** KafkaProducerPerf BOOTSTRAP TOPIC RECORDS RECORD_SIZE [KEY=VALUE...] */
  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      throw new IllegalArgumentException(
          "usage: KafkaProducerPerf BOOTSTRAP TOPIC RECORDS RECORD_SIZE [PRODUCER_KEY=VALUE...]");
    }
    Map<String, String> extra = new LinkedHashMap<>();
    for (int i = 4; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("not KEY=VALUE: " + args[i]);
      }
      extra.put(kv[0], kv[1]);
    }
    Result result =
        run(
            new KafkaToolJvm(KafkaToolJvm.DEFAULT_LIB),
            args[0],
            args[1],
            Long.parseLong(args[2]),
            Integer.parseInt(args[3]),
            extra,
            Path.of("ops/reference/target/kafka-tools-runs"));
    System.out.println(Json.line(result));
  }
}
