package dev.uploads.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uploads.schema.Topics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The local stack as a person uses it: start, upload with the printed key, see it on Kafka. */
class LocalStackTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void uploadWithTheDemoKeyReachesKafkaAndSurvivesARestart() throws Exception {
    Path data = Files.createTempDirectory("local-stack");
    StackOptions options = StackOptions.onFreePorts(data);
    String id;
    String key;
    try (LocalStack stack = LocalStack.start(options)) {
      key = Files.readString(data.resolve("api-key")).trim();
      assertEquals(stack.apiKey(), key);
      assertTrue(stack.banner().contains(key));
      HttpResponse<String> posted =
          http.send(upload(stack.apiUrl(), key), HttpResponse.BodyHandlers.ofString());
      assertEquals(202, posted.statusCode(), posted.body());
      id = posted.headers().firstValue("Location").orElseThrow().substring("/v1/uploads/".length());
      assertTrue(onKafka(stack.kafkaBootstrap(), id), "the upload's event is on Kafka");
    }
    try (LocalStack again = LocalStack.start(options)) {
      assertEquals(key, again.apiKey(), "the demo key survives a restart");
      HttpResponse<String> read =
          http.send(
              HttpRequest.newBuilder(URI.create(again.apiUrl() + "/v1/uploads/" + id))
                  .header("Authorization", "Bearer " + key)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, read.statusCode(), read.body());
      assertTrue(onKafka(again.kafkaBootstrap(), id), "Kafka's data survives a restart");
    }
  }

  @Test
  void badOptionsAreNamed() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> StackOptions.parse(new String[] {"--api-port=http"}, Map.of()));
    assertTrue(e.getMessage().contains("api-port"));
    assertEquals(
        9000, StackOptions.parse(new String[0], Map.of("UPLOADS_API_PORT", "9000")).apiPort());
  }

  private static HttpRequest upload(String api, String key) throws Exception {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", jpeg);
    String boundary = "stack-test-boundary";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(jpeg.toByteArray());
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(URI.create(api + "/v1/uploads"))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
        .build();
  }

  private static boolean onKafka(String bootstrap, String key) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.UPLOADS, Duration.ofSeconds(30)).stream()
              .map(i -> new TopicPartition(Topics.UPLOADS, i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(record.key())) {
            return true;
          }
        }
      }
      return false;
    }
  }
}
