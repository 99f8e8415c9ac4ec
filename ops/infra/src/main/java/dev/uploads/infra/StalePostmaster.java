package dev.uploads.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops a PostgreSQL server still running on a data directory without anyone owning it, e.g. after
 * the JVM that started it was killed. pg_ctl start would otherwise refuse to start a second one.
 */
final class StalePostmaster {

  private static final Duration GRACE = Duration.ofSeconds(30);

  private StalePostmaster() {}

  static void stop(Path dataDir) {
    Optional<ProcessHandle> postmaster = find(dataDir);
    if (postmaster.isEmpty()) {
      return;
    }
    ProcessHandle process = postmaster.get();
    CompletableFuture<ProcessHandle> exit = process.onExit();
    // SIGTERM is PostgreSQL's "smart" shutdown: it waits for clients, whose JVM is usually gone.
    process.destroy();
    try {
      exit.get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The first line of postmaster.pid is the pid of the server that owns the directory. */
  private static Optional<ProcessHandle> find(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    List<String> lines;
    try {
      lines = Files.exists(pidFile) ? Files.readAllLines(pidFile) : List.of();
    } catch (IOException e) {
      return Optional.empty();
    }
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    try {
      return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
          .filter(ProcessHandle::isAlive)
          // Guards against a recycled pid now belonging to some unrelated process.
          .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
