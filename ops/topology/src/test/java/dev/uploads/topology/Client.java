package dev.uploads.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;

/** A client account, talking HTTP to whichever API replica it is given, as any client would. */
public record Client(Topology topology, String email, String key) {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final String BOUNDARY = "topology-boundary-7";

  /** Posts an image through {@code api}; the response as it came (202 or an error). */
  HttpResponse<byte[]> post(GenericContainer<?> api, byte[] image)
      throws IOException, InterruptedException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(image);
    body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(topology.apiUrl(api) + "/v1/uploads"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Posts an image through {@code api} and returns the new upload's id; anything but 202 fails. */
  String upload(GenericContainer<?> api, byte[] image) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = post(api, image);
    if (response.statusCode() != 202) {
      throw new AssertionError(
          "upload answered "
              + response.statusCode()
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8));
    }
    return JSON.readTree(response.body()).get("id").asText();
  }

  HttpResponse<byte[]> get(GenericContainer<?> api, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(topology.apiUrl(api) + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + key)
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  JsonNode json(GenericContainer<?> api, String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = get(api, path);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          path
              + " answered "
              + response.statusCode()
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8));
    }
    return JSON.readTree(response.body());
  }

  /** {@code GET /v1/stats}'s totals. */
  JsonNode stats(GenericContainer<?> api) throws IOException, InterruptedException {
    return json(api, "/v1/stats").get("total");
  }
}
