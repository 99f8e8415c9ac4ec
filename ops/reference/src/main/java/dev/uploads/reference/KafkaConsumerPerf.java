package dev.uploads.reference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka's own ConsumerPerformance (kafka-consumer-perf-test) reading a number of records of a topic
 * from the start, in a new consumer group: how fast a plain consumer reads them back. The records/s
 * figure includes joining the group; the fetch figures leave it out.
 */
public final class KafkaConsumerPerf {
  private static final String MAIN = "org.apache.kafka.tools.ConsumerPerformance";

  /** MB is 2^20 bytes, as the tool counts. */
  public record Result(
      String reference,
      String topic,
      long records,
      double mb,
      double recordsPerSecond,
      double mbPerSecond,
      double rebalanceMs,
      double fetchMs,
      double fetchRecordsPerSecond,
      double fetchMbPerSecond,
      double cpuSeconds,
      double wallSeconds,
      String kafkaTools) {}

  private KafkaConsumerPerf() {}

  public static Result run(
      KafkaToolJvm jvm, String bootstrapServers, String topic, long records, Path workDir)
      throws IOException, InterruptedException {
    if (records < 1 || records > 50_000_000) {
      throw new IllegalArgumentException("records must be 1..50,000,000: " + records);
    }
    List<String> args =
        List.of(
            "--bootstrap-server",
            bootstrapServers,
            "--topic",
            topic,
            "--num-records",
            Long.toString(records),
            // Gives up after 10 s without a record, so a topic with too few records ends the run.
            "--timeout",
            "10000");
    KafkaToolJvm.Run run = jvm.run(MAIN, args, 120 + records / 5_000, workDir);
    Map<String, String> stats = stats(run.stdout());
    long consumed = Long.parseLong(stats.get("data.consumed.in.nMsg"));
    if (consumed < records) {
      throw new IllegalStateException(
          "ConsumerPerformance read " + consumed + " of " + records + " records:\n" + run.stdout());
    }
    return new Result(
        "kafka_consumer_performance",
        topic,
        consumed,
        number(stats, "data.consumed.in.MB"),
        number(stats, "nMsg.sec"),
        number(stats, "MB.sec"),
        number(stats, "rebalance.time.ms"),
        number(stats, "fetch.time.ms"),
        number(stats, "fetch.nMsg.sec"),
        number(stats, "fetch.MB.sec"),
        KafkaProducerPerf.round(run.cpuSeconds()),
        KafkaProducerPerf.round(run.wallSeconds()),
        jvm.version());
  }

  /** The header line "start.time, end.time, data.consumed.in.MB, ..." and the line of values. */
  static Map<String, String> stats(String out) {
    List<String> lines = out.lines().toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).startsWith("start.time")) {
        String[] names = lines.get(i).split(",\\s*");
        String[] values = lines.get(i + 1).split(",\\s*");
        if (names.length == values.length) {
          Map<String, String> stats = new HashMap<>();
          for (int j = 0; j < names.length; j++) {
            stats.put(names[j].trim(), values[j].trim());
          }
          return stats;
        }
      }
    }
    throw new IllegalStateException("ConsumerPerformance printed no statistics:\n" + out);
  }

  private static double number(Map<String, String> stats, String name) {
    String value = stats.get(name);
    if (value == null) {
      throw new IllegalStateException("ConsumerPerformance printed no " + name + ": " + stats);
    }
    return Double.parseDouble(value);
  }

  /** KafkaConsumerPerf BOOTSTRAP TOPIC RECORDS */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: KafkaConsumerPerf BOOTSTRAP TOPIC RECORDS");
    }
    Result result =
        run(
            new KafkaToolJvm(KafkaToolJvm.DEFAULT_LIB),
            args[0],
            args[1],
            Long.parseLong(args[2]),
            Path.of("ops/reference/target/kafka-tools-runs"));
    System.out.println(Json.line(result));
  }
}
