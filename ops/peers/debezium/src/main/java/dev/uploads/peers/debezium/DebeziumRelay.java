package dev.uploads.peers.debezium;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium's embedded engine as an outbox relay, in a JVM of its own: the PostgreSQL connector
 * streams the outbox's inserts from a logical replication slot (pgoutput), Debezium's outbox event
 * router turns each row into a record of the Kafka contract, and {@link RecordPublisher} sends it.
 *
 * <p>Arguments, all required: {@code --host= --port= --database= --slot= --publication=
 * --bootstrap= --offsets=<file>}; and any number of {@code --property=<key>=<value>}, engine or
 * connector properties that replace or add to those of {@link #config}. The publication and the
 * slot must exist. It reports to the process that started it with lines on stdout: {@code
 * engine-starting <debezium version> <kafka clients version>}, {@code task-started}, {@code
 * engine-stopped ok|failed <message>}; and it stops when its stdin closes, so it cannot outlive
 * that process.
 */
public final class DebeziumRelay {
  private static final List<String> ARGUMENTS =
      List.of("host", "port", "database", "slot", "publication", "bootstrap", "offsets");
  private static final String PROPERTY = "--property=";
  private static final Duration STOP_BOUND = Duration.ofSeconds(30);

  private DebeziumRelay() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> arguments = new HashMap<>();
    Map<String, String> overrides = parse(args, arguments);
    Properties config = config(arguments);
    config.putAll(overrides);
    CountDownLatch stopped = new CountDownLatch(1);
    boolean[] succeeded = {false};
    Producer<byte[], byte[]> producer = RecordPublisher.producer(arguments.get("bootstrap"));
    DebeziumEngine<RecordChangeEvent<SourceRecord>> engine =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(config)
            .using(
                new DebeziumEngine.ConnectorCallback() {
                  @Override
                  public void taskStarted() {
                    say("task-started");
                  }
                })
            .using(
                (success, message, error) -> {
                  succeeded[0] = success;
                  String text = message == null ? "" : message.replace('\n', ' ');
                  say("engine-stopped " + (success ? "ok " : "failed ") + text);
                  if (error != null) {
                    error.printStackTrace();
                  }
                  stopped.countDown();
                })
            .notifying(new RecordPublisher(producer))
            .build();
    ExecutorService runner = Executors.newSingleThreadExecutor();
    say(
        "engine-starting "
            + io.debezium.connector.postgresql.Module.version()
            + " "
            + AppInfoParser.getVersion());
    runner.execute(engine);
    watchStdin(engine);
    stopped.await();
    runner.shutdown();
    producer.close(Duration.ofSeconds(10));
    System.exit(succeeded[0] ? 0 : 1);
  }

  /**
   * Debezium's defaults except where the outbox differs from its example table: our column names,
   * routing by the {@code topic} column to a topic of that very name, and the envelope columns as
   * the contract's headers. The rows are already committed when the engine starts, behind a slot
   * made for this run, so there is nothing to snapshot ({@code no_data}).
   */
  static Properties config(Map<String, String> a) {
    Properties p = new Properties();
    p.put("name", "outbox-peer");
    p.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.put("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
    p.put("offset.storage.file.filename", a.get("offsets"));
    p.put("database.hostname", a.get("host"));
    p.put("database.port", a.get("port"));
    p.put("database.user", "postgres");
    p.put("database.password", "");
    p.put("database.dbname", a.get("database"));
    p.put("topic.prefix", "outbox-peer");
    p.put("plugin.name", "pgoutput");
    p.put("slot.name", a.get("slot"));
    p.put("publication.name", a.get("publication"));
    p.put("publication.autocreate.mode", "disabled");
    p.put("snapshot.mode", "no_data");
    p.put("table.include.list", "public.outbox");
    p.put("transforms", "outbox");
    p.put("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
    p.put("transforms.outbox.table.field.event.id", "event_id");
    p.put("transforms.outbox.table.field.event.key", "event_key");
    p.put("transforms.outbox.table.field.event.payload", "payload");
    p.put("transforms.outbox.route.by.field", "topic");
    p.put("transforms.outbox.route.topic.replacement", "${routedByValue}");
    // Debezium always adds the event id as header "id" too; these are the contract's names.
    p.put(
        "transforms.outbox.table.fields.additional.placement",
        "event_id:header:event-id,event_type:header:event-type,"
            + "event_version:header:event-version,occurred_at:header:occurred-at,"
            + "traceparent:header:traceparent");
    return p;
  }

  /**
   * Closing the engine commits the offsets of what was acknowledged; a close that hangs must not
   * keep the JVM (and its replication connection) alive.
   */
  private static void watchStdin(DebeziumEngine<?> engine) {
    Thread watcher =
        new Thread(
            () -> {
              drain(System.in);
              Thread halter =
                  new Thread(
                      () -> {
                        sleep(STOP_BOUND);
                        Runtime.getRuntime().halt(2);
                      },
                      "stop-halter");
              halter.setDaemon(true);
              halter.start();
              try {
                engine.close();
              } catch (IOException e) {
                e.printStackTrace();
                Runtime.getRuntime().halt(1);
              }
            },
            "stdin-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void drain(InputStream in) {
    try {
      while (in.read() != -1) {
        // The parent never writes; EOF means it closed the pipe or is gone.
      }
    } catch (IOException e) {
      // A broken pipe means the same as EOF.
    }
  }

  /** Fills {@code parsed} with the required arguments and returns the property overrides. */
  private static Map<String, String> parse(String[] args, Map<String, String> parsed) {
    Map<String, String> overrides = new HashMap<>();
    for (String arg : args) {
      if (arg.startsWith(PROPERTY) && arg.indexOf('=', PROPERTY.length()) > 0) {
        String property = arg.substring(PROPERTY.length());
        int eq = property.indexOf('=');
        overrides.put(property.substring(0, eq), property.substring(eq + 1));
        continue;
      }
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0 || !ARGUMENTS.contains(arg.substring(2, eq))) {
        throw new IllegalArgumentException("unknown argument " + arg + "; expected " + ARGUMENTS);
      }
      parsed.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    if (!parsed.keySet().containsAll(ARGUMENTS)) {
      throw new IllegalArgumentException("missing arguments; expected all of " + ARGUMENTS);
    }
    return overrides;
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
