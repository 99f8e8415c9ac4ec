package dev.uploads.stack.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A client account of the system under test, talking HTTP like any other. */
record Client(SystemHarness system, String email, String key) {
  private static final String BOUNDARY = "system-test-boundary-42";

  /** Posts an image and returns the new upload's id. */
  String upload(byte[] image) throws Exception {
    return SystemHarness.JSON.readTree(post(image).body()).get("id").asText();
  }

  /** Posts an image with extra request headers (name, value, ...); the answer must be a 202. */
  HttpResponse<byte[]> post(byte[] image, String... headers) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"image\"\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(image);
    body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(system.apiUrl("/v1/uploads")))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    HttpResponse<byte[]> response = system.send(request.build());
    if (response.statusCode() != 202) {
      throw new AssertionError(
          "upload answered "
              + response.statusCode()
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8));
    }
    return response;
  }

  HttpResponse<byte[]> get(String path) throws Exception {
    return system.send(
        HttpRequest.newBuilder(URI.create(system.apiUrl(path)))
            .header("Authorization", "Bearer " + key)
            .build());
  }

  JsonNode json(String path) throws Exception {
    HttpResponse<byte[]> response = get(path);
    if (response.statusCode() != 200) {
      throw new AssertionError(path + " answered " + response.statusCode());
    }
    return SystemHarness.JSON.readTree(response.body());
  }

  String status(String upload) throws Exception {
    return json("/v1/uploads/" + upload).get("status").asText();
  }

  long mailsReceived() {
    return system.smtp.received().stream()
        .filter(
            m -> {
              try {
                return m.getAllRecipients()[0].toString().equals(email);
              } catch (Exception e) {
                return false;
              }
            })
        .count();
  }
}
