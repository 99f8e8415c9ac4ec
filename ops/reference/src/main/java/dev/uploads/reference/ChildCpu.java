package dev.uploads.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this JVM's child processes that have exited and been waited for (cutime + cstime in
 * /proc/self/stat): once a short-lived tool has exited its own /proc entry is gone, but its time is
 * added here. The difference around a run is that run's CPU time, provided no other child of this
 * JVM exits meanwhile. Linux only.
 */
final class ChildCpu {
  /** USER_HZ: the unit of /proc times on every mainstream Linux architecture. */
  private static final double TICKS_PER_SECOND = 100.0;

  private ChildCpu() {}

  static double reapedSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // After the parenthesised command name: [0] state ... [13] cutime, [14] cstime.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/stat", e);
    }
  }
}
