package dev.uploads.api;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

/** A relay running as its own process ({@code relay} command), which a test may kill -9. */
final class RelayProcess implements AutoCloseable {
  private final Process process;

  RelayProcess(Path config, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx256m",
                    "-cp",
                    classpath,
                    ApiApplication.class.getName(),
                    "relay",
                    config.toString()))
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

  static String classpathSeparator() {
    return File.pathSeparator;
  }
}
