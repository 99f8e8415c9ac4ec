package dev.uploads.ops.deadletters;

import com.codahale.metrics.MetricRegistry;
import dev.uploads.schema.trace.Tracing;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.sourceforge.argparse4j.ArgumentParsers;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.ArgumentParser;
import net.sourceforge.argparse4j.inf.ArgumentParserException;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import net.sourceforge.argparse4j.inf.Subparsers;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code ops/dead-letters}: what an operator runs to see what failed and to replay or discard it.
 * It talks to the database directly, so it works while the services are down. Exit codes: 0 done, 1
 * failure, 2 bad input, 3 no such letter or action, 4 refused by the letters' state.
 */
public final class Cli {
  static final int DEFAULT_MAX = 1_000;
  static final double DEFAULT_RATE = 50;
  private static final String SERVICE_NAME = "uploads-dead-letters";

  private final PrintStream out;
  private final PrintStream err;

  public Cli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new Cli(System.out, System.err).run(args, System.getenv()));
  }

  public int run(String[] args, Map<String, String> env) {
    ArgumentParser parser = parser(env);
    Namespace ns;
    try {
      ns = parser.parseArgs(args);
    } catch (ArgumentParserException e) {
      parser.handleError(e);
      return 2;
    }
    Printer print = new Printer(out, err, ns.getBoolean("json"));
    try (OperatorDatabase database =
            OperatorDatabase.open(
                ns.getString("database_url"),
                ns.getString("database_user"),
                ns.getString("database_password"));
        Tracing tracing = tracing(env)) {
      dispatch(ns, database.jdbi(), tracing, print);
      return 0;
    } catch (OperatorError e) {
      print.error(e.kind().name().toLowerCase(), e.getMessage());
      return switch (e.kind()) {
        case BAD_INPUT -> 2;
        case NOT_FOUND -> 3;
        case CONFLICT -> 4;
        case FORBIDDEN -> 5;
      };
    } catch (ConnectionException e) {
      print.error(
          "database_unreachable",
          "cannot reach the database at "
              + ns.getString("database_url")
              + " ("
              + rootMessage(e)
              + "); set --database-url or UPLOADS_DATABASE_URL");
      return 1;
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  private static ArgumentParser parser(Map<String, String> env) {
    ArgumentParser parser =
        ArgumentParsers.newFor("ops/dead-letters")
            .build()
            .description(
                "Inspect, replay and discard dead letters. Every replay and discard is recorded"
                    + " with who, when and why.");
    parser
        .addArgument("--database-url")
        .setDefault(
            env.getOrDefault("UPLOADS_DATABASE_URL", "jdbc:postgresql://127.0.0.1:15432/uploads"))
        .help("JDBC URL (env UPLOADS_DATABASE_URL; default: the local stack's)");
    parser
        .addArgument("--database-user")
        .setDefault(env.getOrDefault("UPLOADS_DATABASE_USER", "postgres"))
        .help("env UPLOADS_DATABASE_USER");
    parser
        .addArgument("--database-password")
        .setDefault(env.getOrDefault("UPLOADS_DATABASE_PASSWORD", ""))
        .help("env UPLOADS_DATABASE_PASSWORD");
    parser.addArgument("--json").action(Arguments.storeTrue()).help("JSON for scripts");
    parser
        .addArgument("--operator")
        .setDefault(System.getProperty("user.name", "unknown"))
        .help("who is acting, for the audit trail (default: your login name)");
    Subparsers commands = parser.addSubparsers().dest("command").metavar("COMMAND");

    Subparser list = commands.addParser("list").help("dead letters, newest first");
    filters(list);
    list.addArgument("--limit").type(Integer.class).setDefault(50);
    list.addArgument("--before").type(Long.class).help("letters with a smaller id (next page)");

    filters(commands.addParser("summary").help("what broke: letters by job and fingerprint"));

    Subparser show = commands.addParser("show").help("one letter: payload, headers, attempts");
    show.addArgument("id").type(Long.class);

    Subparser replay =
        commands
            .addParser("replay")
            .help("send letters to <job>.redrive, where only the job that failed reads them");
    filters(replay);
    action(replay);
    replay
        .addArgument("--rate")
        .setDefault(Double.toString(DEFAULT_RATE))
        .help("letters per second, or 'unlimited' (default " + DEFAULT_RATE + ")");
    replay
        .addArgument("--include-parked")
        .action(Arguments.storeTrue())
        .help("also replay letters parked after repeated failed replays");
    replay
        .addArgument("--resume")
        .type(Long.class)
        .metavar("ACTION")
        .help("finish a replay that was stopped part-way");
    replay
        .addArgument("--wait")
        .action(Arguments.storeTrue())
        .help("after sending, wait (up to 10 minutes) until the worker reports every outcome");

    Subparser discard = commands.addParser("discard").help("give up on letters, on the record");
    filters(discard);
    action(discard);

    commands
        .addParser("actions")
        .help("the audit trail of replays and discards")
        .addArgument("--limit")
        .type(Integer.class)
        .setDefault(20);
    commands.addParser("action").help("one replay or discard").addArgument("id").type(Long.class);
    for (String control : List.of("pause", "cancel")) {
      Subparser command =
          commands
              .addParser(control)
              .help(
                  control.equals("pause")
                      ? "pause a running replay (finish it with replay --resume ID)"
                      : "cancel a replay: the letters not sent yet stay as they are");
      command.addArgument("id").type(Long.class);
      command.addArgument("--reason").help("why; kept in the audit trail");
    }

    Subparser prune =
        commands.addParser("prune").help("delete resolved and discarded letters past an age");
    prune.addArgument("--older-than").required(true).help("an age such as 30d or 12h");
    prune.addArgument("--dry-run").action(Arguments.storeTrue());

    Subparser operators = commands.addParser("operators").help("operator keys for admin HTTP");
    Subparsers ops = operators.addSubparsers().dest("operators_command").metavar("ACTION");
    Subparser add = ops.addParser("add").help("create an operator key; prints it once");
    add.addArgument("name");
    add.addArgument("--role")
        .choices("viewer", "operator")
        .setDefault("operator")
        .help("viewer: look only; operator: look, replay and discard (default)");
    Subparser role = ops.addParser("role").help("give a key holder another role");
    role.addArgument("name");
    role.addArgument("role").choices("viewer", "operator");
    ops.addParser("revoke").addArgument("name");
    ops.addParser("list");
    return parser;
  }

  private static void filters(Subparser command) {
    command.addArgument("ids").nargs("*").metavar("ID").help("letter ids");
    command.addArgument("--job").help("thumbnails, emails or stats");
    command
        .addArgument("--status")
        .action(Arguments.append())
        .help("open, replaying, parked, resolved, discarded (repeat or comma-separate)");
    command.addArgument("--fingerprint");
    command.addArgument("--exception").help("exception class, full or simple name");
    command.addArgument("--key").help("event key (the upload id)");
    command.addArgument("--type").help("event type, such as upload.received");
    command.addArgument("--since").help("last failure at or after: an instant or an age (2h)");
    command.addArgument("--until").help("last failure before: an instant or an age");
  }

  private static void action(Subparser command) {
    command.addArgument("--reason").help("why; required, kept in the audit trail");
    command
        .addArgument("--dry-run")
        .action(Arguments.storeTrue())
        .help("show exactly what would happen; change nothing");
    command
        .addArgument("--max")
        .type(Integer.class)
        .setDefault(DEFAULT_MAX)
        .help("refuse when more letters than this match (default " + DEFAULT_MAX + ")");
  }

  static LetterFilter filter(Namespace ns) {
    return LetterFilter.parse(
        ns.getList("ids"),
        ns.getString("job"),
        ns.getList("status"),
        ns.getString("fingerprint"),
        ns.getString("exception"),
        ns.getString("key"),
        ns.getString("type"),
        ns.getString("since"),
        ns.getString("until"));
  }

  static Double rate(String text) {
    if (text == null || text.equalsIgnoreCase("unlimited")) {
      return null;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw OperatorError.badInput(
          "--rate is letters per second or 'unlimited', not '" + text + "'");
    }
  }

  /**
   * A replay's spans continue each letter's trace; they are exported to the OTLP/HTTP collector
   * that UPLOADS_OTLP_ENDPOINT or else OTEL_EXPORTER_OTLP_ENDPOINT names, as the services' are.
   */
  private static Tracing tracing(Map<String, String> env) {
    String endpoint =
        env.getOrDefault(
            "UPLOADS_OTLP_ENDPOINT", env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", ""));
    return endpoint.isBlank()
        ? Tracing.unexported(SERVICE_NAME)
        : Tracing.exportingTo(endpoint, SERVICE_NAME);
  }

  private void dispatch(Namespace ns, Jdbi jdbi, Tracing tracing, Printer print) {
    Letters letters = new Letters(jdbi);
    Actions actions = new Actions(jdbi, new MetricRegistry(), tracing);
    switch (ns.getString("command")) {
      case "list" -> print.page(letters.list(filter(ns), ns.getInt("limit"), ns.getLong("before")));
      case "summary" -> print.summary(letters.summary(filter(ns)));
      case "show" -> print.show(letters.show(ns.getLong("id")));
      case "replay", "discard" -> act(ns, actions, print);
      case "actions" -> print.actions(actions.list(ns.getInt("limit")));
      case "action" -> print.action(actions.action(ns.getLong("id")));
      case "pause", "cancel" ->
          print.action(
              actions.control(
                  ns.getLong("id"),
                  Actions.Control.valueOf(ns.getString("command").toUpperCase()),
                  ns.getString("operator"),
                  "cli",
                  ns.getString("reason")));
      case "prune" -> {
        Duration age = age(ns.getString("older_than"));
        boolean dry = ns.getBoolean("dry_run");
        print.pruned(actions.prune(age, dry), dry, ns.getString("older_than"));
      }
      case "operators" -> operators(ns, new Operators(jdbi), print);
      default -> throw OperatorError.badInput("unknown command " + ns.getString("command"));
    }
  }

  static Duration age(String text) {
    Duration age = LetterFilter.age(text);
    if (age == null) {
      throw OperatorError.badInput("--older-than is an age such as 30d or 12h, not '" + text + "'");
    }
    return age;
  }

  private void act(Namespace ns, Actions actions, Printer print) {
    boolean replay = ns.getString("command").equals("replay");
    Long resume = replay ? ns.getLong("resume") : null;
    if (resume != null) {
      print.resuming(resume);
      finish(
          actions,
          actions.resume(resume, print::progress, ns.getString("operator"), "cli"),
          print,
          ns);
      return;
    }
    ActionRequest request =
        new ActionRequest(
            replay ? ActionRequest.Kind.REPLAY : ActionRequest.Kind.DISCARD,
            filter(ns),
            ns.getString("reason"),
            replay && ns.getBoolean("include_parked"),
            replay ? rate(ns.getString("rate")) : null,
            ns.getInt("max"));
    if (ns.getBoolean("dry_run")) {
      print.plan(actions.plan(request), request);
      return;
    }
    Actions.Action started = actions.start(request, ns.getString("operator"), "cli");
    print.started(started);
    finish(actions, actions.run(started.id(), print::progress), print, ns);
  }

  private void finish(Actions actions, Actions.Action action, Printer print, Namespace ns) {
    if ("replay".equals(action.kind()) && ns.getBoolean("wait")) {
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (action.outcomes().getOrDefault("sent", 0L) > 0 && System.nanoTime() < deadline) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        action = actions.action(action.id());
      }
    }
    print.action(action);
  }

  private void operators(Namespace ns, Operators operators, Printer print) {
    switch (ns.getString("operators_command")) {
      case "add" ->
          print.operatorAdded(
              ns.getString("name"),
              operators.add(ns.getString("name"), Operators.Role.parse(ns.getString("role"))));
      case "role" -> {
        operators.assign(ns.getString("name"), Operators.Role.parse(ns.getString("role")));
        print.operators(operators.list());
      }
      case "revoke" -> {
        operators.revoke(ns.getString("name"));
        print.operatorRevoked(ns.getString("name"));
      }
      default -> print.operators(operators.list());
    }
  }
}
