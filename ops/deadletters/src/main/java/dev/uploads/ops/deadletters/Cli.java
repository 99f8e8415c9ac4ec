package dev.uploads.ops.deadletters;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
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
    boolean json = ns.getBoolean("json");
    try (OperatorDatabase database =
        OperatorDatabase.open(
            ns.getString("database_url"),
            ns.getString("database_user"),
            ns.getString("database_password"))) {
      dispatch(ns, database.jdbi(), json);
      return 0;
    } catch (OperatorError e) {
      report(json, e.kind().name().toLowerCase(), e.getMessage());
      return switch (e.kind()) {
        case BAD_INPUT -> 2;
        case NOT_FOUND -> 3;
        case CONFLICT -> 4;
      };
    } catch (ConnectionException e) {
      report(
          json,
          "database_unreachable",
          "cannot reach the database at "
              + ns.getString("database_url")
              + " ("
              + rootMessage(e)
              + "); set --database-url or UPLOADS_DATABASE_URL");
      return 1;
    }
  }

  private void report(boolean json, String kind, String message) {
    err.println("error: " + message);
    if (json) {
      out.println(Json.write(Map.of("error", kind, "message", message)));
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

    Subparser prune =
        commands.addParser("prune").help("delete resolved and discarded letters past an age");
    prune.addArgument("--older-than").required(true).help("an age such as 30d or 12h");
    prune.addArgument("--dry-run").action(Arguments.storeTrue());

    Subparser operators = commands.addParser("operators").help("operator keys for admin HTTP");
    Subparsers ops = operators.addSubparsers().dest("operators_command").metavar("ACTION");
    ops.addParser("add").help("create an operator; prints the key once").addArgument("name");
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

  private void dispatch(Namespace ns, Jdbi jdbi, boolean json) {
    Letters letters = new Letters(jdbi);
    Actions actions = new Actions(jdbi, new MetricRegistry());
    switch (ns.getString("command")) {
      case "list" -> {
        Letters.Page page = letters.list(filter(ns), ns.getInt("limit"), ns.getLong("before"));
        if (json) {
          out.println(Json.write(page));
          return;
        }
        Table table =
            new Table(
                60,
                "ID",
                "JOB",
                "STATUS",
                "TYPE",
                "KEY",
                "EXCEPTION",
                "FINGERPRINT",
                "TRIES",
                "REPLAYS",
                "LAST FAILED",
                "MESSAGE");
        for (Letters.Letter l : page.letters()) {
          table.row(
              l.id(),
              l.job(),
              l.status(),
              l.eventType(),
              l.eventKey(),
              simpleName(l.exceptionClass()),
              l.fingerprint(),
              l.attemptCount(),
              l.replayCount(),
              l.lastFailedAt(),
              l.message());
        }
        table.print(out);
        out.println(
            page.letters().size()
                + " letters"
                + (page.nextBefore() == null ? "" : "; more with --before " + page.nextBefore()));
      }
      case "summary" -> {
        List<Letters.Group> groups = letters.summary(filter(ns));
        if (json) {
          out.println(Json.write(Map.of("groups", groups)));
          return;
        }
        Table table =
            new Table(
                70,
                "JOB",
                "FINGERPRINT",
                "LETTERS",
                "OPEN",
                "PARKED",
                "REPLAYING",
                "RESOLVED",
                "DISCARDED",
                "FIRST SEEN",
                "LAST SEEN",
                "EXCEPTION",
                "MESSAGE");
        for (Letters.Group g : groups) {
          table.row(
              g.job(),
              g.fingerprint(),
              g.letters(),
              g.open(),
              g.parked(),
              g.replaying(),
              g.resolved(),
              g.discarded(),
              g.firstSeen(),
              g.lastSeen(),
              simpleName(g.exceptionClass()),
              g.sampleMessage());
        }
        table.print(out);
      }
      case "show" -> show(letters.show(ns.getLong("id")), json);
      case "replay", "discard" -> act(ns, actions, json);
      case "actions" -> {
        List<Actions.Action> list = actions.list(ns.getInt("limit"));
        if (json) {
          out.println(Json.write(Map.of("actions", list)));
          return;
        }
        Table table =
            new Table(
                60,
                "ID",
                "KIND",
                "STATUS",
                "OPERATOR",
                "VIA",
                "WHEN",
                "SELECTED",
                "DONE",
                "OUTCOMES",
                "REASON",
                "FILTER");
        for (Actions.Action a : list) {
          table.row(
              a.id(),
              a.kind(),
              a.status(),
              a.operator(),
              a.via(),
              a.createdAt(),
              a.selected(),
              a.done(),
              a.outcomes(),
              a.reason(),
              Json.write(a.filter()));
        }
        table.print(out);
      }
      case "action" -> printAction(actions.action(ns.getLong("id")), json);
      case "prune" -> {
        Duration age = age(ns.getString("older_than"));
        boolean dry = ns.getBoolean("dry_run");
        long count = actions.prune(age, dry);
        if (json) {
          out.println(Json.write(Map.of("pruned", count, "dry_run", dry)));
        } else {
          out.println(
              (dry ? "would prune " : "pruned ")
                  + count
                  + " resolved or discarded letters closed more than "
                  + ns.getString("older_than")
                  + " ago; open and parked letters are never pruned");
        }
      }
      case "operators" -> operators(ns, new Operators(jdbi), json);
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

  private void act(Namespace ns, Actions actions, boolean json) {
    boolean replay = ns.getString("command").equals("replay");
    Long resume = replay ? ns.getLong("resume") : null;
    if (resume != null) {
      err.println("resuming action " + resume);
      finish(actions, actions.resume(resume, this::progress), json, ns);
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
      Actions.Plan plan = actions.plan(request);
      if (json) {
        out.println(Json.write(plan));
        return;
      }
      Table table = new Table(70, "ID", "JOB", "STATUS", "TYPE", "KEY", "REPLAYS", "WOULD");
      for (Actions.Planned p : plan.letters()) {
        Letters.Letter l = p.letter();
        table.row(
            l.id(),
            l.job(),
            l.status(),
            l.eventType(),
            l.eventKey(),
            l.replayCount(),
            p.included() ? request.kind().label() : "leave: " + p.note());
      }
      table.print(out);
      out.println(
          "dry run: would "
              + request.kind().label()
              + " "
              + plan.included()
              + " letters"
              + (plan.excluded() == 0 ? "" : " and leave " + plan.excluded())
              + (replay
                  ? " at "
                      + (request.rate() == null ? "no rate limit" : request.rate() + " letters/s")
                  : "")
              + "; nothing was changed");
      return;
    }
    Actions.Action started = actions.start(request, ns.getString("operator"), "cli");
    err.println(
        "action "
            + started.id()
            + ": "
            + started.kind()
            + " of "
            + started.selected()
            + " letters started"
            + (replay
                ? "; if stopped, finish it with: ops/dead-letters replay --resume " + started.id()
                : ""));
    err.flush();
    finish(actions, actions.run(started.id(), this::progress), json, ns);
  }

  private void progress(Actions.Action action) {
    err.println("  " + action.done() + " of " + action.selected() + " done");
  }

  private void finish(Actions actions, Actions.Action action, boolean json, Namespace ns) {
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
    printAction(action, json);
  }

  private void printAction(Actions.Action a, boolean json) {
    if (json) {
      out.println(Json.write(a));
      return;
    }
    out.println("action " + a.id() + " (" + a.kind() + ", " + a.status() + ")");
    out.println("  by        " + a.operator() + " via " + a.via() + " at " + a.createdAt());
    out.println("  reason    " + a.reason());
    out.println("  filter    " + Json.write(a.filter()));
    out.println(
        "  letters   "
            + a.selected()
            + " selected, "
            + a.done()
            + " done, "
            + a.skipped()
            + " skipped");
    out.println("  outcomes  " + a.outcomes());
    if (a.error() != null) {
      out.println("  error     " + a.error());
    }
    if ("interrupted".equals(a.status())) {
      out.println("  resume with: ops/dead-letters replay --resume " + a.id());
    }
  }

  private void show(Letters.Detail d, boolean json) {
    if (json) {
      out.println(Json.write(d));
      return;
    }
    Letters.Letter l = d.letter();
    out.println("dead letter " + l.id() + " (" + l.job() + ", " + l.status() + ")");
    out.println("  event      " + l.eventType() + " " + l.eventId() + " key " + l.eventKey());
    out.println(
        "  from       "
            + d.source().get("topic")
            + " partition "
            + d.source().get("partition")
            + " offset "
            + d.source().get("offset")
            + " at "
            + d.source().get("timestamp")
            + " (group "
            + d.source().get("consumer_group")
            + ")");
    out.println("  error      " + l.exceptionClass() + ": " + l.message());
    out.println("  fingerprint " + l.fingerprint());
    out.println(
        "  failed     "
            + l.attemptCount()
            + " attempts, first "
            + l.firstFailedAt()
            + ", last "
            + l.lastFailedAt()
            + "; replayed "
            + l.replayCount()
            + " times");
    out.println("  headers    " + d.headers());
    out.println(
        "  payload    "
            + (d.payload() != null
                ? d.payload().toString()
                : d.payloadText() != null
                    ? d.payloadText()
                    : d.payloadBase64() != null ? "(base64) " + d.payloadBase64() : "(none)"));
    out.println("  attempts:");
    int n = 1;
    for (JsonNode attempt : d.attempts()) {
      out.println(
          "    #"
              + n++
              + " "
              + attempt.path("at").asText()
              + " "
              + attempt.path("exception").asText()
              + ": "
              + attempt.path("message").asText());
      for (String line : attempt.path("stack").asText().lines().limit(12).toList()) {
        out.println("        " + line);
      }
    }
    if (!d.actions().isEmpty()) {
      out.println("  operator actions:");
      for (Map<String, Object> a : d.actions()) {
        out.println(
            "    action "
                + a.get("action")
                + " "
                + a.get("kind")
                + " by "
                + a.get("operator")
                + " at "
                + a.get("created_at")
                + ": "
                + a.get("outcome")
                + (a.get("note") == null ? "" : " (" + a.get("note") + ")")
                + " — "
                + a.get("reason"));
      }
    }
  }

  private void operators(Namespace ns, Operators operators, boolean json) {
    switch (ns.getString("operators_command")) {
      case "add" -> {
        String key = operators.add(ns.getString("name"));
        if (json) {
          out.println(Json.write(Map.of("name", ns.getString("name"), "key", key)));
        } else {
          out.println(key);
          err.println(
              "operator "
                  + ns.getString("name")
                  + " added; the key above is shown once. Use it as 'Authorization: Bearer <key>'"
                  + " on the admin port's /dead-letters endpoints.");
        }
      }
      case "revoke" -> {
        operators.revoke(ns.getString("name"));
        out.println(json ? Json.write(Map.of("revoked", ns.getString("name"))) : "revoked");
      }
      default -> {
        List<Map<String, Object>> list = operators.list();
        if (json) {
          out.println(Json.write(Map.of("operators", list)));
          return;
        }
        Table table = new Table(60, "NAME", "CREATED", "REVOKED");
        list.forEach(o -> table.row(o.get("name"), o.get("created_at"), o.get("revoked_at")));
        table.print(out);
      }
    }
  }

  private static String simpleName(String className) {
    return className == null ? null : className.substring(className.lastIndexOf('.') + 1);
  }
}
