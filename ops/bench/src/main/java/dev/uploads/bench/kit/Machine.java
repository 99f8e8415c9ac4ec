package dev.uploads.bench.kit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The machine beside the figures: cores, memory, CPU model, OS, Java, the Kafka version of the
 * broker and clients, and how busy the cores were in the seconds before the run (other work lowers
 * every figure). Scenarios add what they find (PostgreSQL's version, pg_test_fsync).
 */
public final class Machine {
  private Machine() {}

  public static Map<String, Object> describe(int idleSeconds) throws InterruptedException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("memory_gib", Math.round(memTotalKib() / 1024.0 / 1024.0 * 10) / 10.0);
    m.put("cpu_model", cpuModel());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put(
        "java",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("kafka", kafkaVersion() + " (broker and the system's clients)");
    Cpu cpu = new Cpu(null);
    Cpu.Sample a = cpu.sample();
    Thread.sleep(idleSeconds * 1000L);
    Cpu.Use idle = Cpu.between(a, cpu.sample());
    m.put("cores_busy_before_start", Cpu.round(idle.machine() / idle.seconds()));
    return m;
  }

  /** One line for the top of the table. */
  public static String summary(Map<String, Object> m) {
    return String.format(
        "%s cores (%s), %s GiB, %s, Kafka %s, PostgreSQL %s, %.2f cores busy before start",
        m.get("cores"),
        m.get("cpu_model"),
        m.get("memory_gib"),
        m.get("java"),
        m.get("kafka"),
        m.getOrDefault("postgresql", "not started"),
        (Double) m.get("cores_busy_before_start"));
  }

  private static long memTotalKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // the JVM's bound below
    }
    return Runtime.getRuntime().maxMemory() / 1024;
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // the architecture below
    }
    return System.getProperty("os.arch");
  }

  /** From the clients' jar; the broker runs on the same Kafka version (the project's). */
  private static String kafkaVersion() {
    try (InputStream in = Machine.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
