package dev.uploads.bench.stack;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU of this JVM's threads over a phase, grouped by thread name with numbers and ids blanked
 * ("dw-#" request threads, "relay-#", "job-thumbnails-lane", "bench-load-#"...): the API, its
 * relay, the worker and the load generator share this JVM, and this says which of them used it.
 */
public final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<Long, String> names = new HashMap<>();
  private final Map<Long, Long> start = cpuById();
  private final long wallStart = System.nanoTime();

  public static ThreadCpu start() {
    return new ThreadCpu();
  }

  /** Cores used per group, largest first, the top {@code limit} groups. */
  public Map<String, Double> stop(int limit) {
    double wall = System.nanoTime() - wallStart;
    Map<String, Double> byGroup = new HashMap<>();
    for (Map.Entry<Long, Long> end : cpuById().entrySet()) {
      long before = start.getOrDefault(end.getKey(), 0L);
      String group = group(names.getOrDefault(end.getKey(), "?"));
      byGroup.merge(group, (end.getValue() - before) / wall, Double::sum);
    }
    Map<String, Double> top = new LinkedHashMap<>();
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(limit)
        .forEach(e -> top.put(e.getKey(), Math.round(e.getValue() * 100) / 100.0));
    return top;
  }

  static String group(String name) {
    return name.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "#")
        .replaceAll("\\d+", "#")
        .replaceAll(" - (POST|GET) .*", "");
  }

  private Map<Long, Long> cpuById() {
    Map<Long, Long> cpu = new HashMap<>();
    for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null) {
        long t = THREADS.getThreadCpuTime(info.getThreadId());
        if (t >= 0) {
          cpu.put(info.getThreadId(), t);
          names.put(info.getThreadId(), info.getThreadName());
        }
      }
    }
    return cpu;
  }
}
