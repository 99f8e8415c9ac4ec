package dev.uploads.bench.kit;

import java.util.List;
import java.util.Map;

/**
 * Which stage of the system a thread of the suite's JVM works for, from its name as Linux keeps it
 * (/proc/PID/task/TID/stat: the first 15 bytes of the Java name). The names were read from a
 * running local stack ({@code jcmd PID Thread.print} and /proc) and are matched by prefix, first
 * match wins. The Kafka broker, PostgreSQL and the load generator are processes of their own and
 * are measured as such ({@link Cpu}).
 *
 * <pre>
 * prefix                                  stage
 * dw-                                     api-http     Jetty threads of the API (and the worker's
 *                                                      admin port, idle under load), dw-admin too
 * relay-, outbox-                         relay        OutboxRelay's loop, LISTEN/NOTIFY threads
 * kafka-producer-, kafka-coordinat        kafka-client producer I/O (the relay's), consumers'
 *                                                      heartbeats; polling runs in the job threads
 * job-thumbnails                          thumbnails   the job's poll loop and lanes
 * job-emails                              emails
 * job-stats                               stats
 * smtp:                                   smtp         the in-process SMTP server (test rig's MTA)
 * C1 CompilerThre, C2 CompilerThre,       jit
 *   Sweeper thread
 * GC Thread, G1 , VM Thread               gc           G1's workers, marker, refinement, safepoints
 * bench-, java (main), kafka-admin-cli,   rig          the suite: its main thread, load and backlog
 *   process reaper                                     readers, admin clients, child reapers
 * anything else                           other-jvm    logging appenders, pools, timers, threads
 *                                                      that ended between two samples
 * </pre>
 */
public final class Stages {
  public static final String OTHER = "other-jvm";

  private static final List<Map.Entry<String, String>> PREFIXES =
      List.of(
          Map.entry("dw-", "api-http"),
          Map.entry("relay-", "relay"),
          Map.entry("outbox-", "relay"),
          Map.entry("kafka-producer-", "kafka-client"),
          Map.entry("kafka-coordinat", "kafka-client"),
          Map.entry("job-thumbnails", "thumbnails"),
          Map.entry("job-emails", "emails"),
          Map.entry("job-stats", "stats"),
          Map.entry("smtp:", "smtp"),
          Map.entry("C1 CompilerThre", "jit"),
          Map.entry("C2 CompilerThre", "jit"),
          Map.entry("Sweeper thread", "jit"),
          Map.entry("GC Thread", "gc"),
          Map.entry("G1 ", "gc"),
          Map.entry("VM Thread", "gc"),
          Map.entry("bench-", "rig"),
          Map.entry("kafka-admin-cli", "rig"),
          Map.entry("process reaper", "rig"));

  private Stages() {}

  public static String of(String threadName) {
    if (threadName.equals("java")) {
      return "rig"; // the main thread: the stack's services run in threads of their own
    }
    for (Map.Entry<String, String> p : PREFIXES) {
      if (threadName.startsWith(p.getKey())) {
        return p.getValue();
      }
    }
    return OTHER;
  }
}
