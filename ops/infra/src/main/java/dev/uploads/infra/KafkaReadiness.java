package dev.uploads.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/** Waits until a freshly launched broker can serve clients, or explains why it cannot. */
final class KafkaReadiness {

  private KafkaReadiness() {}

  /** Returns once the broker is usable; throws with the end of broker.log otherwise. */
  static void await(Process broker, int port, KafkaDataDir dir, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    Admin admin = null;
    try {
      while (System.nanoTime() < deadline) {
        if (!broker.isAlive()) {
          throw dir.failure("Kafka exited with code " + broker.exitValue() + " on startup");
        }
        // Probing the port first keeps the admin client from logging a warning per retry.
        if (admin == null && acceptsConnections(port)) {
          admin = LocalKafka.admin("127.0.0.1:" + port);
        }
        if (admin != null) {
          try {
            // The broker is listed only once it is registered and unfenced, i.e. usable.
            if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
              return;
            }
          } catch (ExecutionException | TimeoutException e) {
            last = e;
          }
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      last = e;
    } finally {
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
      }
    }
    IllegalStateException notReady = dir.failure("Kafka not ready within " + timeout);
    if (last != null) {
      notReady.addSuppressed(last);
    }
    throw notReady;
  }

  private static boolean acceptsConnections(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
