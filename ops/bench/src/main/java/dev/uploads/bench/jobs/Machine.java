package dev.uploads.bench.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** The machine the figures belong to, and how busy it was before the run started. */
public final class Machine {
  private Machine() {}

  static void describe(Results results) {
    int cores = Runtime.getRuntime().availableProcessors();
    double memoryGib = memInfoKib("MemTotal") / 1024.0 / 1024.0;
    String java =
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    String cpu = cpuModel();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", cores);
    m.put("memory_gib", Math.round(memoryGib * 10) / 10.0);
    m.put("java", java);
    m.put("cpu", cpu);
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    results.data("machine", m);
    results.row(
        "machine", String.format("%d cores, %.1f GiB", cores, memoryGib), java + "; " + cpu);
  }

  /** Other work on the machine lowers every figure; the report says how busy it was before. */
  static void idleCheck(Results results, Consumer<String> say) throws InterruptedException {
    ProcessCpu cpu = new ProcessCpu(Path.of("/nonexistent"));
    ProcessCpu.Sample a = cpu.sample();
    Thread.sleep(2_000);
    double busy = ProcessCpu.coresBetween(a, cpu.sample()).get("machine");
    results.data("cores_busy_before_start", busy);
    String line = String.format("machine busy %.2f cores in the 2 s before start", busy);
    if (busy > 0.3) {
      line += " -- other work is running; figures will be lower than this machine can do";
    }
    results.note(line);
    say.accept(line);
  }

  /** A /proc/meminfo value in KiB, or the JVM's heap bound when it cannot be read. */
  public static long memInfoKib(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through: unknown
    }
    return Runtime.getRuntime().maxMemory() / 1024;
  }

  /** The CPU model from /proc/cpuinfo, or the architecture when it cannot be read. */
  public static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through: unknown
    }
    return System.getProperty("os.arch");
  }
}
