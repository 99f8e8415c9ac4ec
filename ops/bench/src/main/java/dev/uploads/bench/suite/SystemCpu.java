package dev.uploads.bench.suite;

import dev.uploads.bench.jobs.ProcessCpu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU-seconds of every process a measurement runs on, between two samples: this JVM (driver, load
 * generator and whatever service runs in it), the Kafka broker, PostgreSQL (see {@link ProcessCpu})
 * and this JVM's child processes (pgbench, vipsthumbnail, reference and peer JVMs with their own
 * children). A child that has exited is counted through this JVM's reaped-children times, which is
 * why the children are sampled before they start and after they end. "other" is what the rest of
 * the machine used meanwhile: the figures are only as clean as that number is small.
 */
final class SystemCpu {
  private static final double TICKS_PER_SECOND = 100.0;

  private final ProcessCpu processes;

  SystemCpu(Path postgresData) {
    this.processes = new ProcessCpu(postgresData);
  }

  record Sample(ProcessCpu.Sample processes, long childTicks, int postgresProcesses) {}

  /** CPU-seconds per group over an interval of {@code seconds}. */
  record Use(
      double seconds,
      double jvm,
      double kafka,
      double postgres,
      double children,
      double machine,
      double other) {

    double all() {
      return jvm + kafka + postgres + children;
    }

    /** CPU-seconds per 1,000 operations of the given groups' sum. */
    static Double per1000(double cpuSeconds, double operations) {
      return operations > 0 ? cpuSeconds * 1000 / operations : null;
    }

    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("seconds", round(seconds));
      m.put("jvm", round(jvm));
      m.put("kafka", round(kafka));
      m.put("postgres", round(postgres));
      m.put("children", round(children));
      m.put("machine", round(machine));
      m.put("other_processes", round(other));
      return m;
    }
  }

  Sample sample() {
    return new Sample(processes.sample(), childTicks(), processes.postgresProcesses());
  }

  /**
   * A sample for the end of a measurement whose clients (pgbench) connected after {@code before}:
   * taken once their backends are gone (at most 5 s later), since a backend's CPU time is counted
   * only after the postmaster has reaped it. Without the wait PostgreSQL read as little as a
   * quarter of its CPU, and the rest as "other".
   */
  Sample sampleAfterClientsLeft(Sample before) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (processes.postgresProcesses() > before.postgresProcesses()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return sample();
  }

  static Use between(Sample a, Sample b) {
    ProcessCpu.Sample pa = a.processes();
    ProcessCpu.Sample pb = b.processes();
    double seconds = (pb.nanos() - pa.nanos()) / 1e9;
    double jvm = ProcessCpu.seconds(pa, pb, "jvm");
    double kafka = ProcessCpu.seconds(pa, pb, "kafka");
    double postgres = ProcessCpu.seconds(pa, pb, "postgres");
    double children = (b.childTicks() - a.childTicks()) / TICKS_PER_SECOND;
    long total = pb.machineTotal() - pa.machineTotal();
    double machine =
        total <= 0
            ? 0
            : (double) (pb.machineBusy() - pa.machineBusy())
                / total
                * Runtime.getRuntime().availableProcessors()
                * seconds;
    double ours = jvm + kafka + postgres + children;
    return new Use(seconds, jvm, kafka, postgres, children, machine, Math.max(0, machine - ours));
  }

  /**
   * Reaped children of this JVM plus every live descendant but the broker (a group of its own) and
   * PostgreSQL (daemonized by pg_ctl, so normally no descendant; excluded in case it is).
   */
  private static long childTicks() {
    long[] own = times(ProcessHandle.current().pid());
    long total = own.length == 0 ? 0 : own[2] + own[3];
    for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
      String cmdline = cmdline(p.pid());
      if (cmdline.contains("KafkaBrokerMain")
          || cmdline.contains("/bin/postgres ")
          || cmdline.startsWith("postgres:")) {
        continue;
      }
      long[] t = times(p.pid());
      if (t.length > 0) {
        total += t[0] + t[1] + t[2] + t[3];
      }
    }
    return total;
  }

  /** utime, stime, cutime, cstime in clock ticks; empty when the process is gone. */
  private static long[] times(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {
        Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])
      };
    } catch (IOException | RuntimeException e) {
      return new long[0];
    }
  }

  private static String cmdline(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")))
          .replace('\0', ' ');
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
