package dev.uploads.topology.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.testcontainers.containers.GenericContainer;

/**
 * The host ports a container publishes now. Testcontainers remembers the ports of the first start,
 * but a container started again after a kill, or reconnected to its network, may get other ones:
 * the chaos code asks the engine, and forgets what it knew whenever it restarts something.
 */
final class Live {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final String PASSWORD = "topology";
  private static final Map<String, Integer> PORTS = new ConcurrentHashMap<>();

  private Live() {}

  /** The host port of {@code inside}; fails while the container publishes none (stopped). */
  static int port(GenericContainer<?> container, int inside) {
    String id = container.getContainerId();
    return PORTS.computeIfAbsent(
        id + ":" + inside,
        k -> {
          Ports.Binding[] bindings =
              container
                  .getDockerClient()
                  .inspectContainerCmd(id)
                  .exec()
                  .getNetworkSettings()
                  .getPorts()
                  .getBindings()
                  .get(ExposedPort.tcp(inside));
          if (bindings == null || bindings.length == 0) {
            throw new IllegalStateException("port " + inside + " is not published now");
          }
          return Integer.parseInt(bindings[0].getHostPortSpec());
        });
  }

  static void forget(GenericContainer<?> container) {
    PORTS.keySet().removeIf(k -> k.startsWith(container.getContainerId() + ":"));
  }

  static String url(GenericContainer<?> container, int inside) {
    return "http://127.0.0.1:" + port(container, inside);
  }

  static Connection sql(GenericContainer<?> postgres) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port(postgres, 5432) + "/uploads?connectTimeout=3",
        "uploads",
        PASSWORD);
  }

  /** A GET within {@code timeout}; an IOException when nothing answered. */
  static HttpResponse<byte[]> get(String url, String bearer, Duration timeout) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
