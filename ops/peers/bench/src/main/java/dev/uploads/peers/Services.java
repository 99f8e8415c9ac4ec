package dev.uploads.peers;

import dev.uploads.infra.LocalKafka;
import dev.uploads.infra.LocalPostgres;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The PostgreSQL server and Kafka broker of one run: given by the options, or started here on fresh
 * data as the other benchmarks start theirs (PostgreSQL's durable defaults), plus the logical WAL
 * that pgoutput decodes.
 */
final class Services implements AutoCloseable {
  private final LocalPostgres startedPostgres;
  private final LocalKafka startedKafka;
  final String host;
  final int port;
  final String bootstrap;

  /** Where to create the run's database: the given URL's database, or the server's postgres. */
  final String adminUrl;

  private Services(
      LocalPostgres postgres,
      LocalKafka kafka,
      String host,
      int port,
      String bootstrap,
      String adminUrl) {
    this.startedPostgres = postgres;
    this.startedKafka = kafka;
    this.host = host;
    this.port = port;
    this.bootstrap = bootstrap;
    this.adminUrl = adminUrl;
  }

  static Services startOrUse(PeerOptions options, Path work) {
    LocalPostgres postgres = null;
    LocalKafka kafka = null;
    try {
      String host = "127.0.0.1";
      int port;
      if (options.jdbcUrl() == null) {
        postgres = LocalPostgres.start(work.resolve("postgres"), 0, Map.of("wal_level", "logical"));
        port = postgres.port();
      } else {
        URI uri = URI.create(options.jdbcUrl().substring("jdbc:".length()));
        host = uri.getHost();
        port = uri.getPort() < 0 ? 5432 : uri.getPort();
      }
      String bootstrap = options.bootstrap();
      if (bootstrap == null) {
        kafka = LocalKafka.start(work.resolve("kafka"), 0, 0);
        bootstrap = kafka.bootstrapServers();
      }
      String adminUrl =
          options.jdbcUrl() == null ? postgres.jdbcUrl("postgres") : options.jdbcUrl();
      return new Services(postgres, kafka, host, port, bootstrap, adminUrl);
    } catch (RuntimeException e) {
      stop(postgres, kafka);
      throw e;
    }
  }

  /** The URL of another database on the same server. */
  String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  @Override
  public void close() {
    stop(startedPostgres, startedKafka);
  }

  private static void stop(LocalPostgres postgres, LocalKafka kafka) {
    if (kafka != null) {
      kafka.stop();
    }
    if (postgres != null) {
      postgres.stop();
    }
  }
}
