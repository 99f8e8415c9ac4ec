package dev.uploads.stack.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Machine and JVM CPU over a phase, from /proc/stat and the JVM's own CPU time: enough to tell
 * whether the two cores were the limit, and how much of them this JVM (API, relay, load generator)
 * used versus PostgreSQL, the Kafka broker and pgbench.
 */
final class CpuUse {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Shares of all cores over the phase, 0..1; busy excludes iowait. */
  record Share(double busy, double iowait, double thisJvm) {
    String describe() {
      return String.format(
          "machine busy %.0f%%, iowait %.0f%%, this JVM %.0f%% (of %d cores)",
          busy * 100, iowait * 100, thisJvm * 100, Runtime.getRuntime().availableProcessors());
    }
  }

  private final long[] machineStart;
  private final long jvmStart;
  private final long wallStart;

  private CpuUse() {
    machineStart = machineTicks();
    jvmStart = OS.getProcessCpuTime();
    wallStart = System.nanoTime();
  }

  static CpuUse start() {
    return new CpuUse();
  }

  Share stop() {
    long[] end = machineTicks();
    double wall = System.nanoTime() - wallStart;
    double jvm =
        (OS.getProcessCpuTime() - jvmStart) / (wall * Runtime.getRuntime().availableProcessors());
    if (end.length == 0 || machineStart.length == 0) {
      return new Share(Double.NaN, Double.NaN, jvm);
    }
    long total = 0;
    for (int i = 0; i < end.length; i++) {
      total += end[i] - machineStart[i];
    }
    long idle = end[3] - machineStart[3];
    long iowait = end[4] - machineStart[4];
    return total <= 0
        ? new Share(Double.NaN, Double.NaN, jvm)
        : new Share((total - idle - iowait) / (double) total, iowait / (double) total, jvm);
  }

  /** user nice system idle iowait irq softirq steal, in clock ticks; empty off Linux. */
  private static long[] machineTicks() {
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+");
      long[] ticks = new long[8];
      for (int i = 0; i < ticks.length; i++) {
        ticks[i] = Long.parseLong(f[i + 1]);
      }
      return ticks;
    } catch (IOException | RuntimeException e) {
      return new long[0];
    }
  }
}
