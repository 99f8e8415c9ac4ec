package dev.uploads.infra;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Stops what this JVM started, at exit, in the reverse order of registration: the last thing
 * started (the services) stops first, the first (the database) stops last.
 *
 * <p>Why not one {@link Runtime#addShutdownHook} per resource: the JVM runs its hooks concurrently
 * and in no order, so on Ctrl-C the broker and the database went down while the worker was still
 * finishing its records and leaving its consumer groups. The worker then waited on a broker that
 * was gone, past the time an operator would wait for Ctrl-C. One hook running the stops in turn
 * keeps the order that {@code try}-with-resources would.
 */
public final class ShutdownOrder {

  private record Stop(String name, Runnable action) {}

  private static final Deque<Stop> STOPS = new ArrayDeque<>();
  private static boolean hooked;

  private ShutdownOrder() {}

  /**
   * Runs {@code stop} when the JVM exits, before everything registered earlier. Stops must be
   * idempotent: the owner may also stop the resource itself before the JVM exits.
   */
  public static synchronized void atExit(String name, Runnable stop) {
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(new Thread(ShutdownOrder::runAll, "shutdown-order"));
      hooked = true;
    }
    STOPS.push(new Stop(name, stop));
  }

  private static void runAll() {
    while (true) {
      Stop stop;
      synchronized (ShutdownOrder.class) {
        stop = STOPS.poll();
      }
      if (stop == null) {
        return;
      }
      try {
        stop.action().run();
      } catch (RuntimeException e) {
        // The next stops still run: a broker that failed to stop must not leave PostgreSQL up.
        System.err.println("at exit, " + stop.name() + " did not stop cleanly: " + e);
      }
    }
  }
}
