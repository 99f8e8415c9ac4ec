package dev.uploads.reference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pgbench running a given script file: what PostgreSQL alone commits per second for that
 * transaction, with no application in between. The password, if any, comes from PGPASSWORD.
 */
public final class Pgbench {
  private static final Pattern TPS =
      Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
  private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");
  private static final Pattern STDDEV = Pattern.compile("latency stddev = ([0-9.]+) ms");
  private static final Pattern PROCESSED =
      Pattern.compile("number of transactions actually processed: ([0-9]+)");
  private static final Pattern FAILED = Pattern.compile("number of failed transactions: ([0-9]+)");

  public record Target(String host, int port, String database, String user) {}

  public record Result(
      String reference,
      String script,
      String database,
      int clients,
      int jobs,
      int seconds,
      String protocol,
      long transactions,
      long failedTransactions,
      double tps,
      double latencyAverageMs,
      Double latencyStddevMs,
      String tool) {}

  private Pgbench() {}

  /** Prepared statements (-M prepared), as JDBC uses them once a statement repeats. */
  public static Result run(
      Tools.Tool tool, Target target, Path script, int clients, int jobs, int seconds)
      throws IOException, InterruptedException {
    if (clients < 1 || clients > 1000 || jobs < 1 || jobs > clients) {
      throw new IllegalArgumentException("need 1 <= jobs <= clients <= 1000");
    }
    if (seconds < 1 || seconds > 3600) {
      throw new IllegalArgumentException("seconds must be 1..3600: " + seconds);
    }
    List<String> args =
        List.of(
            "-h",
            target.host(),
            "-p",
            Integer.toString(target.port()),
            "-U",
            target.user(),
            // -n: a custom script has no pgbench_* tables to vacuum first.
            "-n",
            "-M",
            "prepared",
            "-c",
            Integer.toString(clients),
            "-j",
            Integer.toString(jobs),
            "-T",
            Integer.toString(seconds),
            "-f",
            script.toAbsolutePath().toString(),
            target.database());
    String out = Tools.run(tool.process(args), seconds + 60L);
    Figures f = parse(out);
    return new Result(
        "pgbench",
        script.getFileName().toString(),
        target.database(),
        clients,
        jobs,
        seconds,
        "prepared",
        f.transactions(),
        f.failedTransactions(),
        f.tps(),
        f.latencyAverageMs(),
        f.latencyStddevMs(),
        tool.version());
  }

  record Figures(
      long transactions,
      long failedTransactions,
      double tps,
      double latencyAverageMs,
      Double latencyStddevMs) {}

  /** The figures in pgbench's closing summary. */
  static Figures parse(String out) {
    return new Figures(
        Long.parseLong(required(PROCESSED, out)),
        find(FAILED, out).map(Long::parseLong).orElse(0L),
        Double.parseDouble(required(TPS, out)),
        Double.parseDouble(required(LATENCY, out)),
        find(STDDEV, out).map(Double::parseDouble).orElse(null));
  }

  private static Optional<String> find(Pattern pattern, String out) {
    Matcher m = pattern.matcher(out);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static String required(Pattern pattern, String out) {
    return find(pattern, out)
        .orElseThrow(
            () -> new IllegalStateException("pgbench printed no " + pattern + ":\n" + out));
  }

  /** Pgbench HOST PORT DATABASE USER SCRIPT CLIENTS JOBS SECONDS */
  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      throw new IllegalArgumentException(
          "usage: Pgbench HOST PORT DATABASE USER SCRIPT CLIENTS JOBS SECONDS");
    }
    Result result =
        run(
            Tools.local().get("pgbench"),
            new Target(args[0], Integer.parseInt(args[1]), args[2], args[3]),
            Path.of(args[4]),
            Integer.parseInt(args[5]),
            Integer.parseInt(args[6]),
            Integer.parseInt(args[7]));
    System.out.println(Json.line(result));
  }
}
