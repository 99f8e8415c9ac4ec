package dev.uploads.bench.suite;

import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.kit.Figure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each upload's CPU went at each end-to-end load level: the stack JVM's threads by stage
 * ({@link dev.uploads.bench.kit.Stages}), the broker and PostgreSQL by process, the load
 * generator's JVM apart. CPU-milliseconds per accepted upload over the load and until the system
 * had done its work, the median of the rounds. "every process" is the system with the rig, without
 * the load generator.
 */
final class StageBreakdown {
  static final String TITLE =
      "End to end: CPU-ms per upload by stage (median of rounds; load and its aftermath)";

  /** Key → label, in the order of the table. */
  private static final Map<String, String> ROWS = new LinkedHashMap<>();

  static {
    ROWS.put("api-http", "API HTTP (Jetty dw- threads)");
    ROWS.put("relay", "relay (relay-, outbox- threads)");
    ROWS.put("kafka-broker", "Kafka broker (its JVM)");
    ROWS.put("kafka-client", "Kafka client threads");
    ROWS.put("thumbnails", "thumbnails job");
    ROWS.put("emails", "emails job");
    ROWS.put("stats", "stats job");
    ROWS.put("smtp", "SMTP server (in-process, the rig's MTA)");
    ROWS.put("jit", "JIT compiler");
    ROWS.put("gc", "GC (and VM Thread)");
    ROWS.put("other-jvm", "other JVM threads");
    ROWS.put("postgresql", "PostgreSQL (all its processes)");
    ROWS.put("other-children", "other child processes");
    ROWS.put("rig", "the rig (suite threads)");
    ROWS.put("every-process", "every process (all above)");
    ROWS.put("load-generator", "load generator JVM (not in every process)");
  }

  private StageBreakdown() {}

  /** One level run's CPU-ms per accepted upload, by row key. */
  static Map<String, Double> perUpload(Cpu.Use cpu, long accepted) {
    double ms = 1000.0 / Math.max(1, accepted);
    Map<String, Double> m = new LinkedHashMap<>();
    cpu.stages().forEach((stage, seconds) -> m.put(stage, seconds * ms));
    m.put("kafka-broker", cpu.kafka() * ms);
    m.put("postgresql", cpu.postgres() * ms);
    m.put("other-children", cpu.children() * ms);
    m.put("every-process", cpu.all() * ms);
    m.put("load-generator", cpu.apart() * ms);
    return m;
  }

  static List<String[]> table(double[] fractions, Map<Double, List<Map<String, Double>>> runs) {
    List<String[]> rows = new ArrayList<>();
    String[] head = new String[fractions.length + 1];
    head[0] = "stage";
    for (int i = 0; i < fractions.length; i++) {
      head[i + 1] = String.format("%.0f %%", fractions[i] * 100);
    }
    rows.add(head);
    ROWS.forEach(
        (key, label) -> {
          String[] row = new String[fractions.length + 1];
          row[0] = label;
          for (int i = 0; i < fractions.length; i++) {
            List<Double> values = new ArrayList<>();
            runs.getOrDefault(fractions[i], List.of())
                .forEach(m -> values.add(m.getOrDefault(key, 0.0)));
            Double median = Figure.median(values);
            row[i + 1] = median == null ? "-" : String.format("%.2f", median);
          }
          rows.add(row);
        });
    return rows;
  }
}
