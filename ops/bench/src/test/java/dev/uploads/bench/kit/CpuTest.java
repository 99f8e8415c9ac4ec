package dev.uploads.bench.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CpuTest {
  @Test
  void threadNamesAsLinuxKeepsThemMapToTheirStages() {
    assertEquals("api-http", Stages.of("dw-45 - POST /v"));
    assertEquals("api-http", Stages.of("dw-admin-31"));
    assertEquals("relay", Stages.of("relay-fb7fd929-"));
    assertEquals("relay", Stages.of("outbox-notifier"));
    assertEquals("kafka-client", Stages.of("kafka-producer-"));
    assertEquals("kafka-client", Stages.of("kafka-coordinat"));
    assertEquals("thumbnails", Stages.of("job-thumbnails-"));
    assertEquals("emails", Stages.of("job-emails-lane"));
    assertEquals("stats", Stages.of("job-stats"));
    assertEquals("smtp", Stages.of("smtp:127.0.0.1:"));
    assertEquals("jit", Stages.of("C2 CompilerThre"));
    assertEquals("gc", Stages.of("G1 Conc#0"));
    assertEquals("gc", Stages.of("GC Thread#1"));
    assertEquals("rig", Stages.of("java"));
    assertEquals("rig", Stages.of("bench-load-3"));
    assertEquals(Stages.OTHER, Stages.of("AsyncAppender-W"));
  }

  /** A busy thread's CPU shows in its stage and in the JVM's total, from /proc. */
  @Test
  void aBusyThreadIsCountedInItsStage() throws Exception {
    Cpu cpu = new Cpu(null);
    Cpu.Sample before = cpu.sample();
    AtomicBoolean stop = new AtomicBoolean();
    Thread busy =
        new Thread(
            () -> {
              long x = 0;
              while (!stop.get()) {
                x += System.nanoTime() % 7;
              }
              assertTrue(x >= 0);
            },
            "job-stats-lane");
    busy.start();
    long threadCpu = 0;
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (threadCpu < 400_000_000L && System.nanoTime() < deadline) {
      Thread.sleep(50);
      threadCpu = ManagementFactory.getThreadMXBean().getThreadCpuTime(busy.getId());
    }
    Cpu.Use use = Cpu.between(before, cpu.sample());
    stop.set(true);
    busy.join();
    assertTrue(use.stages().get("stats") >= 0.3, "stats stage: " + use.stages());
    assertTrue(use.jvm() >= use.stages().get("stats"), "jvm " + use.jvm());
    double stages = use.stages().values().stream().mapToDouble(Double::doubleValue).sum();
    assertEquals(use.jvm(), stages, 0.05, "stages add up to the JVM: " + use.stages());
  }
}
