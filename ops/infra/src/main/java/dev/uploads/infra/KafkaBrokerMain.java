package dev.uploads.infra;

import java.io.IOException;
import java.io.InputStream;

/**
 * Entry point of the broker child JVM. It wraps kafka.Kafka so that the broker cannot outlive the
 * JVM that started it, even when that JVM is killed with SIGKILL and its shutdown hooks never run.
 */
public final class KafkaBrokerMain {

  private static final long HALT_AFTER_MS = 30_000;

  private KafkaBrokerMain() {}

  public static void main(String[] args) {
    Thread guard = new Thread(KafkaBrokerMain::exitWhenParentGoes, "parent-exit-guard");
    guard.setDaemon(true);
    guard.start();
    kafka.Kafka.main(args);
  }

  /**
   * The parent holds the write end of our stdin pipe; the kernel closes it when the parent dies, so
   * EOF here is a reliable, immediate "parent is gone" signal, unlike polling a pid.
   */
  private static void exitWhenParentGoes() {
    InputStream in = System.in;
    try {
      while (in.read() != -1) {
        // The parent never writes; anything read is ignored.
      }
    } catch (IOException e) {
      // A broken pipe means the same as EOF.
    }
    Thread halter =
        new Thread(
            () -> {
              sleepQuietly(HALT_AFTER_MS);
              Runtime.getRuntime().halt(1);
            },
            "parent-exit-halter");
    halter.setDaemon(true);
    halter.start();
    // Exit runs Kafka's shutdown hook, which flushes and closes logs cleanly.
    System.exit(0);
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
