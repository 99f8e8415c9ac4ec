package dev.uploads.bench.kit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The benchmarks' one CPU meter, read from /proc (Linux only; elsewhere everything reads zero).
 * Groups: this JVM (the system under test and the rig), with its threads grouped into stages by
 * {@link Stages}; the Kafka broker child JVM; PostgreSQL (postmaster, backends and the backends it
 * has reaped); this JVM's other children, live or reaped (pgbench, vipsthumbnail, Kafka's tools,
 * Debezium); processes kept apart by {@link #apart} (the load generator), which are in no other
 * group; and the whole machine, so that "other" shows what else ran meanwhile.
 */
public final class Cpu {
  /** USER_HZ: the unit of /proc times on every mainstream Linux architecture. */
  private static final double HZ = 100.0;

  private static final long SELF = ProcessHandle.current().pid();

  private final Path postgresData;
  private final Set<Long> apart = ConcurrentHashMap.newKeySet();

  /** {@code postgresData} holds postmaster.pid; null when no PostgreSQL is measured. */
  public Cpu(Path postgresData) {
    this.postgresData = postgresData;
  }

  /** A child of this JVM whose CPU is reported on its own and not in "every process". */
  public void apart(long pid) {
    apart.add(pid);
  }

  /** CPU-seconds since start of each group at one moment. */
  public record Sample(
      long nanos,
      double jvm,
      double kafka,
      double postgres,
      double children,
      double apart,
      long machineBusy,
      long machineTotal,
      Map<Long, Task> threads,
      int postgresProcesses) {}

  /** One thread of a process: its stage and CPU-seconds so far. */
  public record Task(String stage, double seconds) {}

  /** CPU-seconds of each group between two samples. */
  public record Use(
      double seconds,
      double jvm,
      double kafka,
      double postgres,
      double children,
      double apart,
      double machine,
      double other,
      Map<String, Double> stages) {

    /** Every process of the system and its references; not what is kept apart. */
    public double all() {
      return jvm + kafka + postgres + children;
    }

    /** CPU-seconds per 1,000 operations; null without operations. */
    public static Double per1000(double cpuSeconds, double operations) {
      return operations > 0 ? cpuSeconds * 1000 / operations : null;
    }
  }

  public Sample sample() {
    double[] children = children();
    long[] machine = machine();
    long postmaster = postmaster();
    return new Sample(
        System.nanoTime(),
        process(SELF),
        kafka(),
        postgres(postmaster),
        children[0],
        children[1],
        machine[0],
        machine[1],
        threads(SELF),
        postmaster < 0 ? 0 : postgresChildren(postmaster).size());
  }

  /**
   * A sample for the end of a measurement whose clients (pgbench) connected after {@code before}:
   * taken once their backends are gone (at most 5 s later), since a backend's CPU is added to the
   * postmaster's only once reaped. Without the wait PostgreSQL read as little as a quarter of its
   * CPU, and the rest as "other".
   */
  public Sample sampleAfterClientsLeft(Sample before) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (sample().postgresProcesses() > before.postgresProcesses()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return sample();
  }

  public static Use between(Sample a, Sample b) {
    double seconds = (b.nanos() - a.nanos()) / 1e9;
    long total = b.machineTotal() - a.machineTotal();
    double machine =
        total <= 0
            ? 0
            : (double) (b.machineBusy() - a.machineBusy())
                / total
                * Runtime.getRuntime().availableProcessors()
                * seconds;
    double jvm = b.jvm() - a.jvm();
    double kafka = b.kafka() - a.kafka();
    double postgres = b.postgres() - a.postgres();
    double children = b.children() - a.children();
    double apart = b.apart() - a.apart();
    // By thread id: a thread that ended in between is in neither stage (its CPU in the interval
    // goes to "other" below); one that started in between counts whole.
    Map<String, Double> stages = new LinkedHashMap<>();
    b.threads()
        .forEach(
            (tid, t) -> {
              Task before = a.threads().get(tid);
              double since = before == null ? 0 : before.seconds();
              stages.merge(t.stage(), Math.max(0, t.seconds() - since), Double::sum);
            });
    double threads = stages.values().stream().mapToDouble(Double::doubleValue).sum();
    stages.merge(Stages.OTHER, Math.max(0, jvm - threads), Double::sum);
    double ours = jvm + kafka + postgres + children + apart;
    return new Use(
        seconds,
        jvm,
        kafka,
        postgres,
        children,
        apart,
        machine,
        Math.max(0, machine - ours),
        stages);
  }

  /** User plus system CPU-seconds of a live process; 0 when it is gone. */
  public static double process(long pid) {
    return seconds(fields(Path.of("/proc", Long.toString(pid), "stat")), 11, 12);
  }

  /** CPU-seconds of this JVM's children that have exited and been waited for. */
  public static double reapedChildren() {
    return seconds(fields(Path.of("/proc/self/stat")), 13, 14);
  }

  /** A process's live threads by id, each with its stage ({@link Stages#of} of its name). */
  public static Map<Long, Task> threads(long pid) {
    Map<Long, Task> byId = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        String stat = read(task.resolve("stat"));
        if (stat != null) {
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long tid = Long.parseLong(task.getFileName().toString());
          byId.put(tid, new Task(Stages.of(name), seconds(f, 11, 12)));
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: every stage reads zero
    }
    return byId;
  }

  private static double kafka() {
    return ProcessHandle.current()
        .descendants()
        .filter(p -> cmdline(p.pid()).contains("KafkaBrokerMain"))
        .mapToDouble(p -> process(p.pid()))
        .sum();
  }

  /**
   * {children, apart}: the reaped children plus every live descendant but the broker, PostgreSQL
   * (daemonized by pg_ctl, so normally no descendant) and those kept apart, which are the second.
   */
  private double[] children() {
    double children = reapedChildren();
    double kept = 0;
    for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
      String cmdline = cmdline(p.pid());
      if (apart.contains(p.pid())) {
        kept += process(p.pid());
      } else if (!cmdline.contains("KafkaBrokerMain")
          && !cmdline.contains("/bin/postgres")
          && !cmdline.startsWith("postgres:")) {
        children += process(p.pid());
      }
    }
    return new double[] {children, kept};
  }

  private long postmaster() {
    try {
      return postgresData == null
          ? -1
          : Long.parseLong(
              Files.readAllLines(postgresData.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The postmaster with its reaped children, plus its children still running. */
  private static double postgres(long postmaster) {
    if (postmaster < 0) {
      return 0;
    }
    double total = seconds(fields(Path.of("/proc", Long.toString(postmaster), "stat")), 11, 14);
    for (String[] f : postgresChildren(postmaster)) {
      total += seconds(f, 11, 12);
    }
    return total;
  }

  /** The sum of stat fields {@code from..to} (clock ticks) in seconds; 0 without fields. */
  private static double seconds(String[] f, int from, int to) {
    long ticks = 0;
    for (int i = from; f != null && i <= to; i++) {
      ticks += Long.parseLong(f[i]);
    }
    return ticks / HZ;
  }

  /** The /proc stat fields of the postmaster's children, the exited but not yet reaped too. */
  private static List<String[]> postgresChildren(long postmaster) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .map(p -> fields(p.resolve("stat")))
          .filter(f -> f != null && Long.parseLong(f[1]) == postmaster)
          .toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** Fields after the command name: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
  private static String[] fields(Path stat) {
    String text = read(stat);
    // The command name is in parentheses and may itself contain spaces or parentheses.
    return text == null ? null : text.substring(text.lastIndexOf(')') + 2).split(" ");
  }

  private static String cmdline(long pid) {
    String text = read(Path.of("/proc", Long.toString(pid), "cmdline"));
    return text == null ? "" : text.replace('\0', ' ');
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {busy, total} jiffies of all CPUs since boot; iowait counts as idle. */
  private static long[] machine() {
    String text = read(Path.of("/proc/stat"));
    if (text == null) {
      return new long[] {0, 0};
    }
    String[] f = text.lines().findFirst().orElse("").trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      total += Long.parseLong(f[i]);
    }
    return new long[] {total - Long.parseLong(f[4]) - Long.parseLong(f[5]), total};
  }

  public static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
