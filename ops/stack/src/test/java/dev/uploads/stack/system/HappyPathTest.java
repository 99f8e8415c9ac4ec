package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class HappyPathTest {
  @Test
  void uploadBecomesReadyWithThumbnailsOneEmailAndCounters() throws Exception {
    SystemHarness system = SystemHarness.get();
    Client client = system.newClient("happy@example.test");
    byte[] image = Images.jpeg(800, 600);
    String id = client.upload(image);

    SystemHarness.await("the upload is ready", Duration.ofSeconds(60), () -> ready(client, id));
    JsonNode upload = client.json("/v1/uploads/" + id);
    assertEquals(2, upload.get("thumbnails").size());
    for (JsonNode thumbnail : upload.get("thumbnails")) {
      var response = client.get(thumbnail.get("url").asText());
      assertEquals(200, response.statusCode());
      assertEquals("image/jpeg", response.headers().firstValue("Content-Type").orElseThrow());
      var decoded = ImageIO.read(new ByteArrayInputStream(response.body()));
      assertEquals(thumbnail.get("width").asInt(), decoded.getWidth());
      assertEquals(thumbnail.get("height").asInt(), decoded.getHeight());
      assertEquals(decoded.getWidth() * 3 / 4, decoded.getHeight(), 1.0);
    }

    SystemHarness.await(
        "the email arrives", Duration.ofSeconds(60), () -> client.mailsReceived() >= 1);
    SystemHarness.await(
        "the counters move", Duration.ofSeconds(60), () -> emailsCounted(client) >= 1);
    Thread.sleep(1_000); // anything extra would arrive now
    assertEquals(1, client.mailsReceived());
    JsonNode total = client.json("/v1/stats").get("total");
    assertEquals(1, total.get("uploads_received").asLong());
    assertEquals(image.length, total.get("bytes_received").asLong());
    assertEquals(2, total.get("thumbnails_made").asLong());
    assertEquals(1, total.get("emails_sent").asLong());
    assertEquals(0, total.get("dead_letters").asLong());
    assertTrue(system.count("SELECT count(*) FROM dead_letters WHERE event_key = ?", id) == 0);
  }

  static boolean ready(Client client, String id) {
    try {
      return client.status(id).equals("ready");
    } catch (Exception e) {
      return false;
    }
  }

  static long emailsCounted(Client client) {
    try {
      return client.json("/v1/stats").get("total").get("emails_sent").asLong();
    } catch (Exception e) {
      return -1;
    }
  }
}
