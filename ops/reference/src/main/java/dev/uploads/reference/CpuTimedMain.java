package dev.uploads.reference;

import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Runs another class's main and, when the JVM exits, prints the CPU time this process used to
 * stderr: a child's CPU time can no longer be read from /proc once it has exited. JDK only, since
 * the child's classpath is Kafka's tools and this class alone.
 */
public final class CpuTimedMain {
  static final String MARKER = "reference-cpu-seconds=";

  private CpuTimedMain() {}

  public static void main(String[] args) throws Throwable {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  var os =
                      (com.sun.management.OperatingSystemMXBean)
                          ManagementFactory.getOperatingSystemMXBean();
                  System.err.println(MARKER + os.getProcessCpuTime() / 1e9);
                },
                "cpu-time"));
    try {
      Class.forName(args[0])
          .getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
