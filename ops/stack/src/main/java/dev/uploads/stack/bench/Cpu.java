package dev.uploads.stack.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Machine, JVM and per-thread-group CPU over one phase (see {@link CpuUse}, {@link ThreadCpu}). */
final class Cpu {
  private final CpuUse machine = CpuUse.start();
  private final ThreadCpu threads = ThreadCpu.start();
  private CpuUse.Share share;
  private Map<String, Double> threadCores;

  static Cpu start() {
    return new Cpu();
  }

  void stop() {
    share = machine.stop();
    threadCores = threads.stop(6);
  }

  String describe() {
    return share.describe() + "; busiest threads here (cores): " + threadCores;
  }

  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("machine_busy", share.busy());
    m.put("machine_iowait", share.iowait());
    m.put("this_jvm", share.thisJvm());
    m.put("jvm_thread_groups_cores", threadCores);
    return m;
  }

  static String describe(Cpu cpu) {
    return cpu == null || cpu.share == null ? "not measured" : cpu.describe();
  }

  static Object json(Cpu cpu) {
    return cpu == null || cpu.share == null ? null : cpu.json();
  }
}
