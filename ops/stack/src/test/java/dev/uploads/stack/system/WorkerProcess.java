package dev.uploads.stack.system;

import dev.uploads.infra.ChildJvm;
import dev.uploads.worker.WorkerApplication;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The worker as its own process, so that a test can kill it abruptly (kill -9). */
final class WorkerProcess implements AutoCloseable {
  private final Process process;

  WorkerProcess(Path config, Path log) throws Exception {
    process =
        new ProcessBuilder(
                ChildJvm.command(
                    List.of("-Xmx512m", "-Djava.awt.headless=true"),
                    WorkerApplication.class,
                    List.of("server", config.toString())))
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
