package dev.uploads.ops.deadletters;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * What {@code ops/dead-letters} prints: with {@code --json}, one JSON document on standard output
 * for scripts; otherwise tables and descriptions for people. Progress and errors go to standard
 * error either way.
 */
final class Printer {
  private final PrintStream out;
  private final PrintStream err;
  private final boolean json;

  Printer(PrintStream out, PrintStream err, boolean json) {
    this.out = out;
    this.err = err;
    this.json = json;
  }

  void error(String kind, String message) {
    err.println("error: " + message);
    if (json) {
      out.println(Json.write(Map.of("error", kind, "message", message)));
    }
  }

  void page(Letters.Page page) {
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

  void summary(List<Letters.Group> groups) {
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

  void show(Letters.Detail d) {
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
      for (Letters.LetterAction a : d.actions()) {
        out.println(
            "    action "
                + a.action()
                + " "
                + a.kind()
                + " by "
                + a.operator()
                + " at "
                + a.createdAt()
                + ": "
                + a.outcome()
                + (a.note() == null ? "" : " (" + a.note() + ")")
                + " — "
                + a.reason());
      }
    }
  }

  /** A dry run: every letter the filter matched and what the action would do with it. */
  void plan(Actions.Plan plan, ActionRequest request) {
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
            + (request.kind() == ActionRequest.Kind.REPLAY
                ? " at "
                    + (request.rate() == null ? "no rate limit" : request.rate() + " letters/s")
                : "")
            + "; nothing was changed");
  }

  void resuming(long actionId) {
    err.println("resuming action " + actionId);
  }

  void started(Actions.Action started) {
    err.println(
        "action "
            + started.id()
            + ": "
            + started.kind()
            + " of "
            + started.selected()
            + " letters started"
            + ("replay".equals(started.kind())
                ? "; if stopped, finish it with: ops/dead-letters replay --resume " + started.id()
                : ""));
    err.flush();
  }

  void progress(Actions.Action action) {
    err.println("  " + action.done() + " of " + action.selected() + " done");
  }

  void actions(List<Actions.Action> list) {
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

  void action(Actions.Action a) {
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
    if (ActionStatus.INTERRUPTED.label().equals(a.status())) {
      out.println("  resume with: ops/dead-letters replay --resume " + a.id());
    }
  }

  void pruned(long count, boolean dry, String olderThan) {
    if (json) {
      out.println(Json.write(Map.of("pruned", count, "dry_run", dry)));
    } else {
      out.println(
          (dry ? "would prune " : "pruned ")
              + count
              + " resolved or discarded letters closed more than "
              + olderThan
              + " ago; open and parked letters are never pruned");
    }
  }

  void operatorAdded(String name, String key) {
    if (json) {
      out.println(Json.write(Map.of("name", name, "key", key)));
    } else {
      out.println(key);
      err.println(
          "operator "
              + name
              + " added; the key above is shown once. Use it as 'Authorization: Bearer <key>'"
              + " on the admin port's /dead-letters endpoints.");
    }
  }

  void operatorRevoked(String name) {
    out.println(json ? Json.write(Map.of("revoked", name)) : "revoked");
  }

  void operators(List<Operators.KeyHolder> list) {
    if (json) {
      out.println(Json.write(Map.of("operators", list)));
      return;
    }
    Table table = new Table(60, "NAME", "ROLE", "CREATED", "REVOKED");
    list.forEach(o -> table.row(o.name(), o.role(), o.createdAt(), o.revokedAt()));
    table.print(out);
  }

  private static String simpleName(String className) {
    return className == null ? null : className.substring(className.lastIndexOf('.') + 1);
  }
}
