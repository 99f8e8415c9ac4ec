package dev.uploads.bench.reference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many WAL-sized (8 kB) synchronous writes per second the disk under PostgreSQL's data takes:
 * the ceiling of commits per second for a single committer, since each commit waits for one flush
 * of the WAL. PostgreSQL's wal_sync_method on Linux is fdatasync.
 */
public final class PgTestFsync {
  private static final Pattern METHOD = Pattern.compile("^\\s+(\\S+)\\s+([0-9.]+) ops/sec");
  private static final int TESTS = 16; // the tests pg_test_fsync 15 runs on Linux, each -s long

  /** Ops/s of each sync method, for one 8 kB write and for two 8 kB writes per sync. */
  public record Result(
      double fdatasyncOpsPerSecond,
      double openDatasyncOpsPerSecond,
      Map<String, Double> oneWriteOpsPerSecond,
      Map<String, Double> twoWritesOpsPerSecond,
      String fileSystem,
      String tool) {}

  private PgTestFsync() {}

  /** Writes its test file in dir, which should be on the same file system as the data directory. */
  public static Result run(Tools.Tool tool, Path dir, int secondsPerTest)
      throws IOException, InterruptedException {
    Path file = dir.toAbsolutePath().resolve("pg_test_fsync.tmp");
    String out;
    try {
      out =
          tool.run(
                  List.of("-f", file.toString(), "-s", Integer.toString(secondsPerTest)),
                  (long) TESTS * secondsPerTest + 60,
                  dir.resolve("pg_test_fsync"))
              .stdout();
    } finally {
      Files.deleteIfExists(file);
    }
    Map<String, Double> one = section(out, "using one 8kB write");
    Map<String, Double> two = section(out, "using two 8kB writes");
    var store = Files.getFileStore(dir);
    return new Result(
        required(one, "fdatasync", out),
        required(one, "open_datasync", out),
        one,
        two,
        store.type() + " " + store.name(),
        tool.version());
  }

  /** The methods listed after the heading, up to the blank line; "n/a" methods are left out. */
  static Map<String, Double> section(String out, String heading) {
    Map<String, Double> methods = new LinkedHashMap<>();
    boolean inside = false;
    for (String line : out.lines().toList()) {
      if (line.contains(heading)) {
        inside = true;
      } else if (inside && line.isBlank()) {
        break;
      } else if (inside) {
        Matcher m = METHOD.matcher(line);
        if (m.find()) {
          methods.put(m.group(1), Double.parseDouble(m.group(2)));
        }
      }
    }
    return methods;
  }

  private static double required(Map<String, Double> methods, String name, String out) {
    Double value = methods.get(name);
    if (value == null) {
      throw new IllegalStateException("pg_test_fsync printed no figure for " + name + ":\n" + out);
    }
    return value;
  }
}
