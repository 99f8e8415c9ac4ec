package dev.uploads.stack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Where the stack's JVM logs until the API's Dropwizard configuration takes over (PostgreSQL's and
 * Kafka's launchers, the admin client that creates the topics): the same file and the same console
 * threshold as {@link StackConfig} gives Dropwizard, so the terminal shows only warnings unless the
 * stack is verbose. Without it logback would print everything at DEBUG on the terminal.
 */
final class StackLogging {
  /**
   * Dropwizard's default layout with the trace of the line's work, when there is one ({@code
   * trace_id=<32 hex digits>} before the message), so that a line about an upload leads to its
   * trace and to the other lines of it. Dropwizard is given the same, so the file reads the same
   * before and after it takes over.
   */
  static final String PATTERN =
      "%-5level [%d{ISO8601,UTC}] %logger: %replace(trace_id=%X{trace_id} ){'^trace_id= $', ''}"
          + "%msg%n%rEx";

  private StackLogging() {}

  static void start(Path file, boolean verbose) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);

    FileAppender<ILoggingEvent> toFile = new FileAppender<>();
    toFile.setContext(context);
    toFile.setName("file");
    toFile.setFile(file.toString());
    toFile.setEncoder(encoder(context));
    toFile.start();
    root.addAppender(toFile);

    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setEncoder(encoder(context));
    if (!verbose) {
      ThresholdFilter warnings = new ThresholdFilter();
      warnings.setLevel(Level.WARN.toString());
      warnings.start();
      console.addFilter(warnings);
    }
    console.start();
    root.addAppender(console);
  }

  private static PatternLayoutEncoder encoder(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    return encoder;
  }
}
