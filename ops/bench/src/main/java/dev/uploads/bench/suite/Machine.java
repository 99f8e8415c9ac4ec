package dev.uploads.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine beside the figures: cores, memory, CPU model, Java, Kafka, the disk's synchronous
 * write rate (pg_test_fsync, through ops/reference) and how busy the machine was before the run.
 * PostgreSQL's version is added by the first scenario that starts a server.
 */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe(Context ctx) throws InterruptedException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put(
        "memory_gib",
        Math.round(dev.uploads.bench.jobs.Machine.memInfoKib("MemTotal") / 1024.0 / 1024.0 * 10)
            / 10.0);
    m.put("cpu_model", dev.uploads.bench.jobs.Machine.cpuModel());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put(
        "java",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("kafka", kafkaVersion() + " (broker and the system's clients)");
    SystemCpu cpu = new SystemCpu(Path.of("/nonexistent"));
    SystemCpu.Sample a = cpu.sample();
    Thread.sleep(3_000);
    SystemCpu.Use idle = SystemCpu.between(a, cpu.sample());
    double busy = idle.machine() / idle.seconds();
    m.put("cores_busy_before_start", SystemCpu.round(busy));
    String line = String.format("machine busy %.2f cores in the 3 s before start", busy);
    if (busy > 0.3) {
      line += " -- other work is running; figures will be lower than this machine can do";
    }
    ctx.report().note(line);
    ctx.say(line);
    ctx.say("pg_test_fsync (" + 16 * ctx.options().fsyncSeconds() + " s)");
    try {
      JsonNode fsync =
          References.json(
              References.PG_TEST_FSYNC,
              List.of(ctx.data().toString(), Integer.toString(ctx.options().fsyncSeconds())),
              Duration.ofSeconds(120 + 16L * ctx.options().fsyncSeconds()),
              ctx.data().resolve("references/pg-test-fsync"));
      m.put("pg_test_fsync", fsync);
      ctx.say(
          String.format(
              "   fdatasync: %,.0f 8 kB writes/s",
              fsync.path("fdatasync_ops_per_second").asDouble()));
    } catch (References.NotAvailable e) {
      m.put("pg_test_fsync", e.getMessage());
    }
    ctx.report().header("machine", m);
    return m;
  }

  /** One line for the top of the table. */
  @SuppressWarnings("unchecked")
  static String summary(Map<String, Object> m) {
    Object fsync = m.get("pg_test_fsync");
    String disk =
        fsync instanceof JsonNode n
            ? String.format("fdatasync %,.0f/s", n.path("fdatasync_ops_per_second").asDouble())
            : "pg_test_fsync " + fsync;
    return String.format(
        "%s cores (%s), %.1f GiB, %s, Kafka %s, PostgreSQL %s, %s",
        m.get("cores"),
        m.get("cpu_model"),
        (Double) m.get("memory_gib"),
        m.get("java"),
        m.get("kafka"),
        m.getOrDefault("postgresql", "not started"),
        disk);
  }

  /** From the clients' jar; the broker runs on the same Kafka version (the project's). */
  private static String kafkaVersion() {
    try (var in = Machine.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
