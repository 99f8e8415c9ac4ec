package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.worker.thumbnails.AcceptedImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Every kind of image the API accepts becomes ready, with thumbnails whose listed sizes are those
 * of the served bytes; images that cannot be made into thumbnails fail and say why.
 */
class ImageKindsTest {

  @Test
  void everyAcceptedKindBecomesReadyWithUprightThumbnailsOfTheListedSize() throws Exception {
    SystemHarness system = SystemHarness.get();
    Client client = system.newClient("kinds@example.test");
    Map<AcceptedImages.Sample, String> uploads = new LinkedHashMap<>();
    for (AcceptedImages.Sample sample : AcceptedImages.all()) {
      String id = client.upload(sample.bytes());
      assertEquals(
          sample.contentType(), client.json("/v1/uploads/" + id).get("content_type").asText());
      uploads.put(sample, id);
    }
    for (var upload : uploads.entrySet()) {
      String id = upload.getValue();
      SystemHarness.await(
          upload.getKey() + " is ready or failed",
          Duration.ofSeconds(90),
          () -> !status(client, id).equals("received"));
      JsonNode view = client.json("/v1/uploads/" + id);
      assertEquals("ready", view.get("status").asText(), upload.getKey() + ": " + view);
      assertFalse(view.has("failure"), upload.getKey() + ": a ready upload has no failure");
      JsonNode thumbnails = view.get("thumbnails");
      assertEquals(2, thumbnails.size(), upload.getKey() + ": " + view);
      for (JsonNode thumbnail : thumbnails) {
        var served = client.get(thumbnail.get("url").asText());
        assertEquals(200, served.statusCode());
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(served.body()));
        String what = upload.getKey() + " at " + thumbnail.get("url").asText();
        assertEquals(thumbnail.get("width").asInt(), decoded.getWidth(), what);
        assertEquals(thumbnail.get("height").asInt(), decoded.getHeight(), what);
        AcceptedImages.assertUpright(what, decoded);
      }
      // The picture is 360 px wide: the 512 thumbnail is the picture at its own size.
      assertEquals(List.of("128x85", "360x240"), sizes(thumbnails), upload.getKey().name());
      assertTrue(thumbnails.get(1).get("url").asText().endsWith("/thumbnails/512"));
    }
  }

  @Test
  void badImagesFailWithADocumentedCodeThatASuccessfulReplayClears() throws Exception {
    SystemHarness system = SystemHarness.get();
    Client client = system.newClient("reasons@example.test");
    byte[] whole = Images.jpeg(640, 480);
    String truncated = client.upload(Arrays.copyOf(whole, whole.length / 2));
    String bomb = client.upload(PermanentFailuresTest.bombPng(60_000, 60_000));

    JsonNode bombView = awaitFailed(client, bomb);
    assertEquals("image_too_large", bombView.at("/failure/code").asText(), bombView.toString());
    assertEquals(
        "The image is 60000 × 60000 pixels; images of up to 40 megapixels are accepted.",
        bombView.at("/failure/detail").asText());
    JsonNode truncatedView = awaitFailed(client, truncated);
    assertEquals("undecodable_image", truncatedView.at("/failure/code").asText());
    String detail = truncatedView.at("/failure/detail").asText();
    assertTrue(detail.startsWith("The image is damaged or incomplete"), detail);
    for (String internal : List.of("Exception", "JPEG", "premature", "blob", "/")) {
      assertFalse(detail.contains(internal), "no internals in the detail: " + detail);
    }

    // The cause is fixed (here: the stored bytes become whole), then an operator replays.
    String blobKey =
        system.jdbi.withHandle(
            h ->
                h.createQuery("SELECT blob_key FROM uploads WHERE id = ?::uuid")
                    .bind(0, truncated)
                    .mapTo(String.class)
                    .one());
    Path stored;
    try (var files = Files.walk(system.dir.resolve("blobs"))) {
      stored =
          files.filter(f -> f.getFileName().toString().equals(blobKey)).findFirst().orElseThrow();
    }
    Files.write(stored, whole);
    long letter =
        system.count(
            "SELECT id FROM dead_letters WHERE job = 'thumbnails' AND event_key = ?", truncated);
    Operator.Answer replay =
        new Operator(system, "reasons-operator")
            .post("/replay", Map.of("ids", List.of(letter), "reason", "decoder fixed"));
    assertEquals(202, replay.status(), String.valueOf(replay.body()));

    try {
      SystemHarness.await(
          "the replayed upload is ready",
          Duration.ofSeconds(60),
          () -> status(client, truncated).equals("ready"));
    } catch (AssertionError e) {
      System.err.println(
          "DEBUG "
              + system.jdbi.withHandle(
                  h ->
                      h.createQuery(
                              "SELECT d::text FROM dead_letters d WHERE event_key = '"
                                  + truncated
                                  + "'")
                          .mapTo(String.class)
                          .list()));
      System.err.println(
          "DEBUG "
              + system.jdbi.withHandle(
                  h ->
                      h.createQuery("SELECT d::text FROM dead_letter_actions d")
                          .mapTo(String.class)
                          .list()));
      throw e;
    }
    JsonNode replayed = client.json("/v1/uploads/" + truncated);
    assertFalse(replayed.has("failure"), replayed.toString());
    assertEquals(2, replayed.get("thumbnails").size());
    assertEquals("failed", client.status(bomb), "the other failure stays");
  }

  private static JsonNode awaitFailed(Client client, String id) throws Exception {
    SystemHarness.await(
        id + " failed", Duration.ofSeconds(60), () -> status(client, id).equals("failed"));
    return client.json("/v1/uploads/" + id);
  }

  private static List<String> sizes(JsonNode thumbnails) {
    return java.util.stream.StreamSupport.stream(thumbnails.spliterator(), false)
        .map(t -> t.get("width").asInt() + "x" + t.get("height").asInt())
        .toList();
  }

  private static String status(Client client, String id) {
    try {
      return client.status(id);
    } catch (Exception e) {
      return "unknown";
    }
  }
}
