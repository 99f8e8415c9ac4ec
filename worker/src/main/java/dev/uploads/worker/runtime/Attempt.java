package dev.uploads.worker.runtime;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

/** One try of a job on one event that failed. */
public record Attempt(
    @JsonProperty("at") Instant at,
    @JsonProperty("exception") String exception,
    @JsonProperty("message") String message,
    @JsonProperty("stack") String stack) {

  /** Stack traces are kept, but bounded: a dead letter must stay readable and small. */
  static final int MAX_STACK_CHARS = 4_000;

  static Attempt of(Throwable failure) {
    return new Attempt(
        Instant.now(), failure.getClass().getName(), failure.getMessage(), boundedStack(failure));
  }

  static String boundedStack(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    String stack = out.toString();
    return stack.length() <= MAX_STACK_CHARS
        ? stack
        : stack.substring(0, MAX_STACK_CHARS) + "\n\t…";
  }
}
