package dev.uploads.api;

import dev.uploads.infra.ChildJvm;
import java.nio.file.Path;
import java.util.List;

/** A relay running as its own process ({@code relay} command), which a test may kill -9. */
final class RelayProcess implements AutoCloseable {
  private final Process process;

  RelayProcess(Path config, Path log) throws Exception {
    process =
        new ProcessBuilder(
                ChildJvm.command(
                    List.of("-Xmx256m"), ApiApplication.class, List.of("relay", config.toString())))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Abrupt, like a crash or kill -9: no shard is handed over. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
