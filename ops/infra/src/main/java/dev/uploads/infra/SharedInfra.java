package dev.uploads.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One PostgreSQL and one Kafka per test JVM, shared by all integration test classes: starting them
 * takes seconds, a fresh database per test class takes milliseconds.
 */
public final class SharedInfra {

  /** Durability is pointless for throw-away test data; these settings make writes much cheaper. */
  private static final Map<String, String> TEST_POSTGRES_CONFIG =
      Map.of(
          "fsync", "off",
          "synchronous_commit", "off",
          "full_page_writes", "off",
          "max_connections", "300");

  private static SharedInfra instance;
  private static LocalS3 s3;
  private static final AtomicInteger buckets = new AtomicInteger();

  private final LocalPostgres postgres;
  private final LocalKafka kafka;
  private final AtomicInteger databases = new AtomicInteger();

  private SharedInfra(LocalPostgres postgres, LocalKafka kafka) {
    this.postgres = postgres;
    this.kafka = kafka;
  }

  /** Starts both services on first use; later calls in the same JVM return the same instance. */
  public static synchronized SharedInfra get() {
    if (instance == null) {
      instance = startBoth();
    }
    return instance;
  }

  public LocalPostgres postgres() {
    return postgres;
  }

  public LocalKafka kafka() {
    return kafka;
  }

  /**
   * The S3-compatible server, started on first use only (most test JVMs keep their blobs on the
   * local disk and need none) and without PostgreSQL or Kafka.
   */
  public static synchronized LocalS3 s3() {
    if (s3 == null) {
      Path dir = tempDir("uploads-s3-");
      // Registered first, so it runs after the server (registered by start) has stopped.
      ShutdownOrder.atExit("the shared S3 data", () -> deleteQuietly(dir));
      s3 = LocalS3.start(dir, 0);
    }
    return s3;
  }

  /** Creates a new, empty bucket on {@link #s3()} and returns its name. */
  public static String newBucket() {
    String name = "test-" + buckets.incrementAndGet();
    s3().createBucket(name);
    return name;
  }

  /** Creates a new, empty database and returns its JDBC URL (user {@link LocalPostgres#USER}). */
  public String newDatabase() {
    String name = "test_" + databases.incrementAndGet();
    postgres.createDatabaseIfMissing(name);
    return postgres.jdbcUrl(name);
  }

  private static SharedInfra startBoth() {
    Path pgDir = tempDir("uploads-postgres-");
    Path kafkaDir = tempDir("uploads-kafka-");
    // Kafka takes several seconds to come up, mostly waiting; Postgres starts meanwhile.
    CompletableFuture<LocalKafka> kafka =
        CompletableFuture.supplyAsync(() -> LocalKafka.start(kafkaDir, 0, 0));
    LocalPostgres postgres;
    try {
      postgres = LocalPostgres.start(pgDir.resolve("data"), 0, TEST_POSTGRES_CONFIG);
    } catch (RuntimeException e) {
      kafka.thenAccept(LocalKafka::stop);
      throw e;
    }
    LocalKafka startedKafka;
    try {
      startedKafka = kafka.join();
    } catch (CompletionException e) {
      postgres.stop();
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    ShutdownOrder.atExit(
        "the shared test infrastructure",
        () -> {
          startedKafka.stop();
          postgres.stop();
          deleteQuietly(kafkaDir);
          deleteQuietly(pgDir);
        });
    return new SharedInfra(postgres, startedKafka);
  }

  private static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Each test JVM would otherwise leave tens of megabytes behind in the temp directory. */
  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort during JVM shutdown; the OS cleans the temp directory eventually.
    }
  }
}
