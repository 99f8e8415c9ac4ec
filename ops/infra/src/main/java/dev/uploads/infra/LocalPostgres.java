package dev.uploads.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server from the zonky embedded binaries whose data directory and port survive
 * stop/restart, so tests can check that state outlives a database restart.
 */
public final class LocalPostgres implements AutoCloseable {

  /** Superuser created by initdb; trust authentication, so there is no password. */
  public static final String USER = "postgres";

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final Path dataDir;
  private final int port;
  private final Map<String, String> serverConfig;
  private final Path log;
  private EmbeddedPostgres server;

  private LocalPostgres(Path dataDir, int port, Map<String, String> serverConfig, Path log) {
    this.dataDir = dataDir.toAbsolutePath();
    this.port = port;
    this.log = log;
    // zonky always passes -F (fsync off) and synchronous_commit=off; restore PostgreSQL's own
    // durable defaults unless the caller (e.g. a throw-away test database) asks otherwise.
    this.serverConfig = new LinkedHashMap<>(Map.of("fsync", "on", "synchronous_commit", "on"));
    this.serverConfig.putAll(serverConfig);
    // pg_ctl daemonizes the server, so nothing else would stop it when this JVM exits.
    ShutdownOrder.atExit("PostgreSQL", this::stop);
  }

  /**
   * Starts PostgreSQL on dataDir, running initdb only if the directory holds no cluster yet. Port 0
   * picks a free port, which is kept for restarts.
   */
  public static LocalPostgres start(Path dataDir, int port, Map<String, String> serverConfig) {
    return start(dataDir, port, serverConfig, null);
  }

  /**
   * As {@link #start(Path, int, Map)}, with the output of initdb, pg_ctl and the server appended to
   * log rather than logged line by line through SLF4J; null keeps SLF4J.
   */
  public static LocalPostgres start(
      Path dataDir, int port, Map<String, String> serverConfig, Path log) {
    LocalPostgres postgres =
        new LocalPostgres(dataDir, port == 0 ? Ports.free() : port, serverConfig, log);
    postgres.launch();
    return postgres;
  }

  public int port() {
    return port;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Creates the database unless it exists; names are limited to plain lower-case identifiers. */
  public void createDatabaseIfMissing(String name) {
    if (!DATABASE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a plain lower-case database name: " + name);
    }
    try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, "")) {
      try (PreparedStatement exists =
          connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        exists.setString(1, name);
        try (ResultSet rows = exists.executeQuery()) {
          if (rows.next()) {
            return;
          }
        }
      }
      try (Statement create = connection.createStatement()) {
        create.execute("CREATE DATABASE " + name);
      }
    } catch (SQLException e) {
      // 42P04 duplicate_database: a concurrent caller created it between check and create.
      if (!"42P04".equals(e.getSQLState())) {
        throw new IllegalStateException("could not create database " + name, e);
      }
    }
  }

  /** Starts the server again on the same data directory and port; also works after stop(). */
  public synchronized void restart() {
    stop();
    launch();
  }

  /** Clean shutdown (pg_ctl stop -m fast): data is checkpointed. Idempotent. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop PostgreSQL in " + dataDir, e);
    } finally {
      server = null;
    }
    // zonky only logs a failed pg_ctl stop; a server left running would break the next start.
    StalePostmaster.stop(dataDir);
  }

  @Override
  public void close() {
    stop();
  }

  private synchronized void launch() {
    // A JVM killed with SIGKILL leaves its server running on this data directory.
    StalePostmaster.stop(dataDir);
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setPort(port)
            .setPGStartupWait(STARTUP_TIMEOUT)
            .setRegisterShutdownHook(false);
    serverConfig.forEach(builder::setServerConfig);
    if (log != null) {
      // The server inherits pg_ctl's output, so it keeps writing there after pg_ctl has returned.
      builder
          .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }
    try {
      server = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start PostgreSQL in " + dataDir, e);
    }
  }
}
