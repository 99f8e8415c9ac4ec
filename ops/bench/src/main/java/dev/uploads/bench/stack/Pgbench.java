package dev.uploads.bench.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The database's own ceiling for the API's upload transaction: pgbench runs exactly the statements
 * of {@code UploadDao.insert} and {@code OutboxDao.insert} in one transaction, with as many clients
 * as the API's connection pool has connections. The API cannot commit uploads faster than this, so
 * "ingest / pgbench" says how much the HTTP layer, blob store and JDBC add.
 */
public final class Pgbench {
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial");
  private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

  /** tps is empty when pgbench is missing or failed; note says why. */
  public record Result(Optional<Double> tps, Optional<Double> latencyAverageMillis, String note) {}

  private Pgbench() {}

  public static Result run(
      int port, String database, UUID accountId, String topic, int clients, int seconds, Path work)
      throws IOException, InterruptedException, ReflectiveOperationException {
    Path script =
        Files.writeString(
            work.resolve("upload-tx.sql"), UploadTransactionScript.forAccount(accountId, topic));
    return runScript(port, database, script, clients, seconds, work);
  }

  /** pgbench running another transaction's script file (e.g. a job's), the same way. */
  public static Result runScript(
      int port, String database, Path script, int clients, int seconds, Path work)
      throws IOException, InterruptedException {
    Optional<Path> binary = find();
    if (binary.isEmpty()) {
      return new Result(
          Optional.empty(),
          Optional.empty(),
          "pgbench not found on PATH or under /usr/lib/postgresql/*/bin;"
              + " install the Debian package postgresql-client");
    }
    return execute(binary.get(), port, database, script, clients, seconds, work);
  }

  private static Result execute(
      Path binary, int port, String database, Path script, int clients, int seconds, Path work)
      throws IOException, InterruptedException {
    Path output = work.resolve(script.getFileName() + ".out");
    List<String> command =
        List.of(
            binary.toString(),
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-U",
            "postgres",
            "-n",
            "-M",
            "prepared",
            "-c",
            Integer.toString(clients),
            "-j",
            Integer.toString(Math.min(2, clients)),
            "-T",
            Integer.toString(seconds),
            "-f",
            script.toString(),
            database);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return new Result(Optional.empty(), Optional.empty(), "pgbench did not finish in time");
    }
    String text = Files.readString(output);
    Matcher tps = TPS.matcher(text);
    if (process.exitValue() != 0 || !tps.find()) {
      return new Result(
          Optional.empty(),
          Optional.empty(),
          "pgbench failed (exit " + process.exitValue() + "): " + tail(text));
    }
    Matcher latency = LATENCY.matcher(text);
    return new Result(
        Optional.of(Double.parseDouble(tps.group(1))),
        latency.find() ? Optional.of(Double.parseDouble(latency.group(1))) : Optional.empty(),
        binary + " " + firstLine(text));
  }

  /** PATH first, then the newest Debian server package's bin directory. */
  static Optional<Path> find() throws IOException {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "pgbench"));
      }
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions
            .sorted(Comparator.comparingInt(Pgbench::major).reversed())
            .forEach(v -> candidates.add(v.resolve("bin/pgbench")));
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  private static int major(Path versionDir) {
    try {
      return Integer.parseInt(versionDir.getFileName().toString().split("\\.")[0]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String firstLine(String text) {
    return text.lines().filter(l -> l.startsWith("pgbench")).findFirst().orElse("").trim();
  }

  private static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }
}
