package dev.uploads.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The production topology driven from outside. Scenarios that kill or stop a container bring the
 * topology back to two API replicas and two workers before they end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(TopologyTest.DumpLogsOnFailure.class)
class TopologyTest {
  static Topology topology;

  @BeforeAll
  static void start() {
    topology = Topology.start();
  }

  @AfterAll
  static void stop() {
    if (topology != null) {
      topology.close();
    }
  }

  @Test
  @Order(1)
  void uploadThroughOneReplicaReadThroughTheOther() throws Exception {
    Client client = topology.account("replicas@example.test");
    byte[] image = Images.jpeg(640, 480);
    String id = client.upload(topology.apis.get(0), image);
    JsonNode read = client.json(topology.apis.get(1), "/v1/uploads/" + id);
    System.out.printf(
        "[replicas] uploaded %s (%d bytes) through replica A, replica B reads it: %s%n",
        id, image.length, read);
    assertEquals(id, read.get("id").asText());
    assertEquals(image.length, read.get("size_bytes").asLong());
  }

  /** Keeps every container's log under target/topology-logs when a scenario fails. */
  static final class DumpLogsOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (topology != null) {
        topology.dumpLogs(context.getRequiredTestMethod().getName());
      }
    }
  }
}
