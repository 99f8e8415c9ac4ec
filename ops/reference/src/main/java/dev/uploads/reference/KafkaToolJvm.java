package dev.uploads.reference;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one of Kafka's command-line tools in a child JVM whose classpath is the tools' own jars
 * (ops/reference/kafka-tools/target/lib, built by Maven), never this JVM's Kafka 4.4 clients.
 */
public final class KafkaToolJvm {
  /** The default, relative to the project root, where the ops/ scripts run. */
  public static final Path DEFAULT_LIB = Path.of("ops/reference/kafka-tools/target/lib");

  /** As Kafka's own kafka-run-class.sh and kafka-producer-perf-test.sh start the tools. */
  private static final List<String> JVM_OPTIONS =
      List.of(
          "-Xmx512m",
          "-XX:+UseG1GC",
          "-XX:MaxGCPauseMillis=20",
          "-XX:InitiatingHeapOccupancyPercent=35",
          "-XX:+ExplicitGCInvokesConcurrent",
          "-Djava.awt.headless=true",
          // The tools format numbers in the default locale; the output is parsed.
          "-Duser.language=en",
          "-Duser.country=US");

  /** What the tool printed, and the CPU and wall time of the whole child JVM. */
  public record Run(String stdout, String stderr, double cpuSeconds, double wallSeconds) {}

  private final Path lib;

  public KafkaToolJvm(Path lib) {
    this.lib = lib.toAbsolutePath();
    if (!Files.isRegularFile(this.lib.resolve("kafka-tools-" + version() + ".jar"))) {
      throw new IllegalStateException(
          "no Kafka tools in " + this.lib + "; build them: mvn -pl ops/reference -am package");
    }
  }

  /** The kafka-tools version in the directory, from its jar's name. */
  public String version() {
    try (Stream<Path> jars = Files.list(lib)) {
      return jars.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("kafka-tools-[0-9][0-9.]*\\.jar"))
          .map(n -> n.substring("kafka-tools-".length(), n.length() - ".jar".length()))
          .findFirst()
          .orElse("none");
    } catch (IOException e) {
      return "none";
    }
  }

  /** Runs mainClass to completion; a non-zero exit or a timeout is an error. */
  public Run run(String mainClass, List<String> args, long timeoutSeconds, Path workDir)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(JVM_OPTIONS);
    command.add("-cp");
    command.add(ownLocation() + ":" + lib + "/*");
    command.add(CpuTimedMain.class.getName());
    command.add(mainClass);
    command.addAll(args);
    Files.createDirectories(workDir);
    String name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    Path stdout = workDir.resolve(name + ".out");
    Path stderr = workDir.resolve(name + ".err");
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException(name + " did not finish in " + timeoutSeconds + " s");
    }
    double wall = (System.nanoTime() - start) / 1e9;
    String out = Files.readString(stdout);
    String err = Files.readString(stderr);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          name + " failed (exit " + process.exitValue() + "):\n" + out + "\n" + err);
    }
    double cpu =
        err.lines()
            .filter(l -> l.startsWith(CpuTimedMain.MARKER))
            .map(l -> Double.parseDouble(l.substring(CpuTimedMain.MARKER.length())))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new IllegalStateException(name + " reported no CPU time:\n" + err));
    return new Run(out, err, cpu, wall);
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** target/classes or this module's jar: where CpuTimedMain is. */
  private static String ownLocation() {
    try {
      return Path.of(CpuTimedMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
