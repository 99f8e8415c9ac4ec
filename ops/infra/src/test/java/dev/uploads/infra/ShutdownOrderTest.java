package dev.uploads.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM told to stop (SIGTERM, as Ctrl-C or a service manager would) stops its parts in turn. */
class ShutdownOrderTest {

  @Test
  void stopsTheLastStartedFirstEachAfterThePreviousHasFinishedEvenWhenOneFails() throws Exception {
    Process child =
        new ProcessBuilder(ChildJvm.command(List.of("-Xmx64m"), Owner.class, List.of())).start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("ready", out.readLine());
      // SIGTERM through the handle: Process.destroy() would also close the streams we read.
      child.toHandle().destroy();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child exits");
      List<String> lines = new ArrayList<>();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
      }
      // The services take a while to stop; the database must wait for them, not race them.
      assertEquals(List.of("services stopped", "database stopped"), lines);
    }
    String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(
        err.contains("at exit, broker did not stop cleanly: java.lang.IllegalStateException"), err);
  }

  /** Registers three stops, in the order a stack starts its parts, and waits to be stopped. */
  public static final class Owner {
    public static void main(String[] args) throws InterruptedException {
      ShutdownOrder.atExit("database", () -> System.out.println("database stopped"));
      ShutdownOrder.atExit(
          "broker",
          () -> {
            throw new IllegalStateException("still flushing");
          });
      ShutdownOrder.atExit(
          "services",
          () -> {
            try {
              Thread.sleep(500);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            System.out.println("services stopped");
          });
      System.out.println("ready");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }
}
