package dev.uploads.reference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine the reference figures belong to, and how busy it was: other work on the same cores or
 * disk lowers every figure (pg_test_fsync most of all), so a run records it beside them instead of
 * leaving it to be guessed. coresBusy is the whole machine's use over the sample just taken; the
 * load average covers the last minute.
 */
public record Machine(
    String reference,
    int cores,
    String cpu,
    double memoryGib,
    double coresBusy,
    double loadAverageOneMinute,
    String java) {

  /** Samples the whole machine's CPU use over the given time (Linux /proc). */
  public static Machine sample(long millis) throws IOException, InterruptedException {
    long[] a = cpuJiffies();
    Thread.sleep(millis);
    long[] b = cpuJiffies();
    int cores = Runtime.getRuntime().availableProcessors();
    double busy = b[1] == a[1] ? 0 : (double) (b[0] - a[0]) / (b[1] - a[1]) * cores;
    String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    return new Machine(
        "machine",
        cores,
        field("/proc/cpuinfo", "model name"),
        Math.round(
                Double.parseDouble(field("/proc/meminfo", "MemTotal").split(" ")[0])
                    / 1048576.0
                    * 10)
            / 10.0,
        Math.round(busy * 100) / 100.0,
        Double.parseDouble(load),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
  }

  private static String field(String file, String key) throws IOException {
    for (String line : Files.readAllLines(Path.of(file))) {
      if (line.startsWith(key)) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    throw new IllegalStateException(file + " has no " + key);
  }

  /** {busy, total} jiffies of all CPUs since boot; iowait counts as idle. */
  private static long[] cpuJiffies() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
    String[] f = lines.get(0).trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
    return new long[] {total - idle, total};
  }
}
