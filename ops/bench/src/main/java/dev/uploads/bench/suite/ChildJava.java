package dev.uploads.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A main class of another module (ops/reference, ops/peers), run in a child JVM on that module's
 * own classpath, from the project root. Those modules are built on their own and may not be built
 * (or not exist yet): {@link #missing} says so, and the caller reports the reference as not
 * available instead of inventing a value. {@code libs} join the classpath; {@code needs} are other
 * directories of jars the main uses on its own (e.g. the Kafka tools' classpath of its child).
 */
record ChildJava(String mainClass, Path classes, List<Path> libs, List<Path> needs, String build) {
  static final Path ROOT = Path.of("").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one run printed; {@code exit} 0 is success. */
  record Output(int exit, String stdout, String stderr, double wallSeconds) {
    /** The last line of standard output that is a JSON object. */
    JsonNode lastJsonLine() throws IOException {
      List<String> lines = stdout.lines().filter(l -> l.startsWith("{")).toList();
      if (lines.isEmpty()) {
        throw new IOException("no JSON line in its output: " + tail(stdout + stderr));
      }
      return JSON.readTree(lines.get(lines.size() - 1));
    }
  }

  /** Why it cannot run, or empty when its class and libraries are built. */
  Optional<String> missing() {
    Path classFile = ROOT.resolve(classes).resolve(mainClass.replace('.', '/') + ".class");
    if (!Files.isRegularFile(classFile)) {
      return Optional.of(mainClass + " is not built (" + build + ")");
    }
    for (Path lib : java.util.stream.Stream.concat(libs.stream(), needs.stream()).toList()) {
      if (!hasJars(ROOT.resolve(lib))) {
        return Optional.of(lib + " holds no jars (" + build + ")");
      }
    }
    return Optional.empty();
  }

  /** Runs to completion or kills it after the timeout; output also stays in {@code log}.out/err. */
  Output run(List<String> jvmOptions, List<String> args, Duration timeout, Path log)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    StringBuilder cp = new StringBuilder(ROOT.resolve(classes).toString());
    libs.forEach(lib -> cp.append(':').append(ROOT.resolve(lib)).append("/*"));
    command.add(cp.toString());
    command.add(mainClass);
    command.addAll(args);
    Files.createDirectories(log.getParent());
    Path out = Path.of(log + ".out");
    Path err = Path.of(log + ".err");
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command)
            .directory(ROOT.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IOException(
          mainClass + " did not finish in " + timeout.toSeconds() + " s: " + tail(read(err)));
    }
    double wall = (System.nanoTime() - start) / 1e9;
    return new Output(process.exitValue(), read(out), read(err), wall);
  }

  /** Like {@link #run}, but a non-zero exit is an error carrying the end of its output. */
  Output runOk(List<String> jvmOptions, List<String> args, Duration timeout, Path log)
      throws IOException, InterruptedException {
    Output output = run(jvmOptions, args, timeout, log);
    if (output.exit() != 0) {
      throw new IOException(
          mainClass.substring(mainClass.lastIndexOf('.') + 1)
              + " failed (exit "
              + output.exit()
              + "): "
              + tail(output.stdout() + "\n" + output.stderr()));
    }
    return output;
  }

  private static boolean hasJars(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(f -> f.toString().endsWith(".jar"));
    } catch (IOException e) {
      return false;
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  static String tail(String text) {
    List<String> lines = text.strip().lines().toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
  }
}
