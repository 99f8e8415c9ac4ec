package dev.uploads.bench.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of the processes a phase runs on, read from /proc before and after it, so the report can
 * say which of them was busy (and whether something else on the machine was). Groups: this JVM
 * (benchmark driver plus the in-process worker and API), the Kafka broker child JVM, and the
 * PostgreSQL server with its backends. Linux only; elsewhere the groups read zero.
 */
public final class ProcessCpu {
  /** USER_HZ: the unit of /proc times on every mainstream Linux architecture. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final Path postgresData;

  public ProcessCpu(Path postgresData) {
    this.postgresData = postgresData;
  }

  public record Sample(long nanos, Map<String, Long> ticks, long machineBusy, long machineTotal) {}

  public Sample sample() {
    Map<String, Long> ticks = new LinkedHashMap<>();
    ticks.put("jvm", ticksOf(ProcessHandle.current().pid(), false));
    ticks.put("kafka", kafkaTicks());
    ticks.put("postgres", postgresTicks());
    long[] machine = machine();
    return new Sample(System.nanoTime(), ticks, machine[0], machine[1]);
  }

  /** Cores used by each group between two samples, plus the machine's and everything else's. */
  public static Map<String, Double> coresBetween(Sample a, Sample b) {
    double seconds = (b.nanos() - a.nanos()) / 1e9;
    Map<String, Double> cores = new LinkedHashMap<>();
    double ours = 0;
    for (String group : a.ticks().keySet()) {
      double used = (b.ticks().get(group) - a.ticks().get(group)) / TICKS_PER_SECOND / seconds;
      cores.put(group, round(used));
      ours += used;
    }
    long total = b.machineTotal() - a.machineTotal();
    double machine =
        total <= 0
            ? 0
            : (double) (b.machineBusy() - a.machineBusy())
                / total
                * Runtime.getRuntime().availableProcessors();
    cores.put("machine", round(machine));
    cores.put("other", round(Math.max(0, machine - ours)));
    return cores;
  }

  /** CPU seconds of one group between two samples. */
  public static double seconds(Sample a, Sample b, String group) {
    return (b.ticks().get(group) - a.ticks().get(group)) / TICKS_PER_SECOND;
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static long kafkaTicks() {
    return ProcessHandle.current()
        .descendants()
        .filter(p -> cmdline(p.pid()).contains("KafkaBrokerMain"))
        .mapToLong(p -> ticksOf(p.pid(), false))
        .sum();
  }

  /** Read directly: ProcessHandle.Info leaves out the arguments of some processes. */
  private static String cmdline(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The postmaster (with its reaped children) plus the children still running. */
  private long postgresTicks() {
    long postmaster = postmaster();
    if (postmaster < 0) {
      return 0;
    }
    long total = ticksOf(postmaster, true);
    for (String[] child : postgresChildren(postmaster)) {
      total += Long.parseLong(child[11]) + Long.parseLong(child[12]);
    }
    return total;
  }

  /**
   * PostgreSQL's processes besides the postmaster (backends and its own workers). A client's
   * backends outlive the client for a moment; until the postmaster reaps them their CPU time is
   * counted nowhere, so a sample taken just after a client exits reads too little for PostgreSQL.
   */
  public int postgresProcesses() {
    long postmaster = postmaster();
    return postmaster < 0 ? 0 : postgresChildren(postmaster).size();
  }

  private long postmaster() {
    try {
      return Long.parseLong(
          Files.readAllLines(postgresData.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The /proc stat fields of the postmaster's children, the exited but not yet reaped too. */
  private static List<String[]> postgresChildren(long postmaster) {
    List<String[]> children = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit)) {
          String[] f = fields(Long.parseLong(name));
          if (f != null && Long.parseLong(f[1]) == postmaster) {
            children.add(f);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // a process list that cannot be read just reads as less CPU; the report shows zeros
    }
    return children;
  }

  private static long ticksOf(long pid, boolean withReapedChildren) {
    String[] f = fields(pid);
    if (f == null) {
      return 0;
    }
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return withReapedChildren ? ticks + Long.parseLong(f[13]) + Long.parseLong(f[14]) : ticks;
  }

  /** Fields of /proc/pid/stat after the command name: [0] state, [1] ppid, [11] utime, ... */
  private static String[] fields(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name is in parentheses and may itself contain spaces or parentheses.
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {busy, total} jiffies of all CPUs since boot; iowait counts as idle. */
  private static long[] machine() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
      String[] f = lines.get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }
}
