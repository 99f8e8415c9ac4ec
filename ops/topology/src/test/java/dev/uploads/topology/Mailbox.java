package dev.uploads.topology;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The SMTP catcher's HTTP API (GreenMail): what arrived for an address. */
record Mailbox(Topology topology) {
  /** The Message-ID of every mail {@code address} received, one entry per mail received. */
  List<String> messageIds(String address) throws Exception {
    HttpResponse<byte[]> response =
        Client.HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        topology.mailUrl()
                            + "/api/user/"
                            + URLEncoder.encode(address, StandardCharsets.UTF_8)
                            + "/messages/INBOX"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    List<String> ids = new ArrayList<>();
    // The catcher knows an address only once a mail reached it.
    if (response.statusCode() != 200) {
      return ids;
    }
    for (JsonNode message : Client.JSON.readTree(response.body())) {
      ids.add(message.get("Message-ID").asText());
    }
    return ids;
  }
}
