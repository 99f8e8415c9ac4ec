package dev.uploads.bench.jobs;

import dev.uploads.infra.LocalKafka;
import dev.uploads.infra.LocalPostgres;
import dev.uploads.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * PostgreSQL and Kafka on fresh directories for the job phases, with the schema migrated and a set
 * of accounts. PostgreSQL keeps its durable defaults (fsync and synchronous commit on), as in the
 * local stack: every job commits a transaction per event, so this is what bounds them.
 */
public final class BenchInfra implements AutoCloseable {
  public final LocalPostgres postgres;
  public final LocalKafka kafka;
  public final Jdbi jdbi;
  final InProcessWorker.Setup setup;
  public final List<Account> accounts = new ArrayList<>();

  public record Account(UUID id, String email) {}

  private BenchInfra(LocalPostgres postgres, LocalKafka kafka, Path dir) {
    this.postgres = postgres;
    this.kafka = kafka;
    String url = postgres.jdbcUrl("uploads");
    this.jdbi = Jdbi.create(url, LocalPostgres.USER, "").installPlugin(new PostgresPlugin());
    // The SMTP port is set per phase; 1 is never listened on, so a stray mail fails loudly.
    this.setup =
        new InProcessWorker.Setup(url, kafka.bootstrapServers(), dir.resolve("blobs"), 1, dir);
  }

  public static BenchInfra start(Path dir, int accounts) throws Exception {
    Files.createDirectories(dir);
    // Kafka takes several seconds, mostly waiting; PostgreSQL starts meanwhile.
    CompletableFuture<LocalKafka> kafka =
        CompletableFuture.supplyAsync(() -> LocalKafka.start(dir.resolve("kafka"), 0, 0));
    LocalPostgres postgres;
    try {
      postgres = LocalPostgres.start(dir.resolve("postgres"), 0, Map.of());
      postgres.createDatabaseIfMissing("uploads");
    } catch (RuntimeException e) {
      kafka.thenAccept(LocalKafka::stop);
      throw e;
    }
    BenchInfra infra;
    try {
      infra = new BenchInfra(postgres, kafka.join(), dir);
    } catch (RuntimeException e) {
      postgres.stop();
      throw e;
    }
    try {
      infra.kafka.createTopics(Topics.all(6));
      InProcessWorker.migrate(infra.setup);
      infra.createAccounts(accounts);
    } catch (Exception e) {
      infra.close();
      throw e;
    }
    return infra;
  }

  InProcessWorker.Setup setupWithSmtp(int smtpPort) {
    return new InProcessWorker.Setup(
        setup.jdbcUrl(), setup.kafka(), setup.blobRoot(), smtpPort, setup.dir());
  }

  private void createAccounts(int count) {
    for (int i = 0; i < count; i++) {
      accounts.add(new Account(UUID.randomUUID(), "bench-" + i + "@example.test"));
    }
    jdbi.useHandle(
        h -> {
          PreparedBatch batch =
              h.prepareBatch("INSERT INTO accounts (id, email) VALUES (:id, :email)");
          accounts.forEach(a -> batch.bind("id", a.id()).bind("email", a.email()).add());
          batch.execute();
        });
  }

  Account account(int i) {
    return accounts.get(Math.floorMod(i, accounts.size()));
  }

  /** Rows in {@code uploads} as the API would leave them, upload i for account i. */
  void insertUploads(List<UUID> ids, String status, long size, String sha256, String blobKey) {
    jdbi.useHandle(
        h -> {
          PreparedBatch insert =
              h.prepareBatch(
                  """
                  INSERT INTO uploads (id, account_id, status, filename, content_type, size_bytes,
                                       sha256, blob_key)
                  VALUES (:id, :account, :status, 'bench.jpg', 'image/jpeg', :size, :sha, :key)
                  """);
          for (int i = 0; i < ids.size(); i++) {
            insert.bind("id", ids.get(i)).bind("account", account(i).id()).bind("status", status);
            insert.bind("size", size).bind("sha", sha256).bind("key", blobKey).add();
          }
          insert.execute();
        });
  }

  long count(String sql) {
    return count(jdbi, sql);
  }

  static long count(Jdbi jdbi, String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  @Override
  public void close() {
    kafka.stop();
    postgres.stop();
  }
}
