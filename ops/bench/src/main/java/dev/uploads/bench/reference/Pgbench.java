package dev.uploads.bench.reference;

import dev.uploads.bench.kit.Child;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pgbench running a transaction of ours against the same PostgreSQL, prepared statements, as many
 * clients as ours has connections: what the database alone does with the same work, so that e.g.
 * "ingest / pgbench" says how much the HTTP layer, blob store and JDBC add.
 */
public final class Pgbench {
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial");
  private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

  /** tps is empty when pgbench is missing or failed; note says why. */
  public record Result(Optional<Double> tps, Optional<Double> latencyAverageMillis, String note) {}

  private Pgbench() {}

  /** The API's upload transaction ({@link UploadTransactionScript}) for one account. */
  public static Result upload(
      int port, String database, UUID accountId, String topic, int clients, int seconds, Path work)
      throws IOException, InterruptedException, ReflectiveOperationException {
    Path script =
        Files.writeString(
            work.resolve("upload-tx.sql"), UploadTransactionScript.forAccount(accountId, topic));
    return script(port, database, script, clients, seconds, work);
  }

  /** pgbench running a script file (e.g. a job's transaction), the same way. */
  public static Result script(
      int port, String database, Path script, int clients, int seconds, Path work)
      throws IOException, InterruptedException {
    Tools.Tool tool;
    try {
      tool = Tools.local().get("pgbench");
    } catch (IOException | RuntimeException e) {
      return new Result(Optional.empty(), Optional.empty(), "pgbench not available: " + e);
    }
    // %s, not %d: numbers as Integer.toString writes them, whatever the locale.
    String options = "-h 127.0.0.1 -p %s -U postgres -n -M prepared -c %s -j %s -T %s";
    List<String> args =
        new ArrayList<>(
            List.of(options.formatted(port, clients, Math.min(2, clients), seconds).split(" ")));
    args.addAll(List.of("-f", script.toString(), database));
    Child.Output out;
    try {
      out = tool.run(args, seconds + 60L, work.resolve(script.getFileName() + ".pgbench"));
    } catch (IOException e) {
      return new Result(Optional.empty(), Optional.empty(), e.getMessage());
    }
    return parse(out.stdout() + "\n" + out.stderr(), tool.path());
  }

  static Result parse(String text, String binary) {
    Matcher tps = TPS.matcher(text);
    if (!tps.find()) {
      return new Result(
          Optional.empty(), Optional.empty(), "pgbench printed no tps: " + Child.tail(text));
    }
    Matcher latency = LATENCY.matcher(text);
    return new Result(
        Optional.of(Double.parseDouble(tps.group(1))),
        latency.find() ? Optional.of(Double.parseDouble(latency.group(1))) : Optional.empty(),
        binary + " " + text.lines().filter(l -> l.startsWith("pgbench")).findFirst().orElse(""));
  }
}
