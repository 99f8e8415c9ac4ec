package dev.uploads.bench.suite;

import dev.uploads.bench.reference.PgTestFsync;
import dev.uploads.bench.reference.Tools;
import java.util.Map;

/**
 * The kit's machine reading, with the disk's synchronous write rate (pg_test_fsync beside the run's
 * data) and, once a scenario has started one, PostgreSQL's version.
 */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe(Context ctx) throws InterruptedException {
    Map<String, Object> m = dev.uploads.bench.kit.Machine.describe(3);
    double busy = (Double) m.get("cores_busy_before_start");
    String line = String.format("machine busy %.2f cores in the 3 s before start", busy);
    if (busy > 0.3) {
      line += " -- other work is running; figures will be lower than this machine can do";
    }
    ctx.report().note(line);
    ctx.say(line);
    ctx.say("pg_test_fsync (" + 16 * ctx.options().fsyncSeconds() + " s)");
    try {
      PgTestFsync.Result fsync =
          PgTestFsync.run(
              Tools.local().get("pg_test_fsync"), ctx.data(), ctx.options().fsyncSeconds());
      m.put("pg_test_fsync", fsync);
      ctx.say("   fdatasync: %,.0f 8 kB writes/s", fsync.fdatasyncOpsPerSecond());
    } catch (java.io.IOException | RuntimeException e) {
      m.put("pg_test_fsync", "not available: " + e.getMessage());
    }
    ctx.report().header("machine", m);
    return m;
  }

  /** One line for the top of the table. */
  static String summary(Map<String, Object> m) {
    Object fsync = m.get("pg_test_fsync");
    return dev.uploads.bench.kit.Machine.summary(m)
        + ", "
        + (fsync instanceof PgTestFsync.Result r
            ? String.format("fdatasync %,.0f/s", r.fdatasyncOpsPerSecond())
            : "pg_test_fsync " + fsync);
  }
}
