package dev.uploads.stack.system;

import dev.uploads.worker.WorkerApplication;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The worker as its own process, so that a test can kill it abruptly (kill -9). */
final class WorkerProcess implements AutoCloseable {
  private final Process process;

  WorkerProcess(Path config, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx512m",
                    "-Djava.awt.headless=true",
                    "-cp",
                    classpath,
                    WorkerApplication.class.getName(),
                    "server",
                    config.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
