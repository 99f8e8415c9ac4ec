package dev.uploads.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LocalInfraTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void postgresKeepsDataAcrossRestart(@TempDir Path dir) throws Exception {
    try (LocalPostgres postgres =
        LocalPostgres.start(dir.resolve("pg"), 0, Map.of("fsync", "off"))) {
      int port = postgres.port();
      postgres.createDatabaseIfMissing("uploads");
      postgres.createDatabaseIfMissing("uploads");
      String url = postgres.jdbcUrl("uploads");
      assertEquals("jdbc:postgresql://127.0.0.1:" + port + "/uploads", url);
      try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "");
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE upload (id int PRIMARY KEY, name text NOT NULL)");
        s.execute("INSERT INTO upload VALUES (7, 'cat.png')");
      }

      postgres.stop();
      assertFalse(postgres.isRunning());
      postgres.stop();
      postgres.restart();

      assertTrue(postgres.isRunning());
      assertEquals(port, postgres.port());
      try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "");
          Statement s = c.createStatement();
          ResultSet rows = s.executeQuery("SELECT id, name FROM upload")) {
        assertTrue(rows.next());
        assertEquals(7, rows.getInt("id"));
        assertEquals("cat.png", rows.getString("name"));
        assertFalse(rows.next());
      }
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void kafkaKeepsRecordsAcrossKillAndStop(@TempDir Path dir) throws Exception {
    try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0, 0)) {
      String bootstrap = kafka.bootstrapServers();
      kafka.createTopics(Map.of("uploads", 3));
      kafka.createTopics(Map.of("uploads", 3, "other", 1));
      produce(bootstrap, "k1", "first");

      kafka.kill();
      assertFalse(kafka.isRunning());
      kafka.restart();
      assertTrue(kafka.isRunning());
      assertEquals(bootstrap, kafka.bootstrapServers());
      assertEquals(List.of("k1=first"), consumeAll(bootstrap, 1));
      assertEquals(Map.of("uploads", 3, "other", 1), partitionCounts(bootstrap));

      produce(bootstrap, "k2", "second");
      kafka.stop();
      assertFalse(kafka.isRunning());
      kafka.restart();
      assertEquals(List.of("k1=first", "k2=second"), consumeAll(bootstrap, 2));
    }
  }

  private static Map<String, Integer> partitionCounts(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Set<String> names = admin.listTopics().names().get(20, TimeUnit.SECONDS);
      return admin.describeTopics(names).allTopicNames().get(20, TimeUnit.SECONDS).values().stream()
          .collect(Collectors.toMap(TopicDescription::name, t -> t.partitions().size()));
    }
  }

  private static void produce(String bootstrap, String key, String value) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      // One partition only, so that the consumed order is the produced order.
      producer.send(new ProducerRecord<>("uploads", 0, key, value)).get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("could not produce " + key, e);
    }
  }

  private static List<String> consumeAll(String bootstrap, int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition("uploads", 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seen.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          seen.add(record.key() + "=" + record.value());
        }
      }
    }
    return seen;
  }
}
