package dev.uploads.schema;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** W3C Trace Context {@code traceparent} values: continue the caller's trace or start one. */
public final class Traceparent {
  private static final Pattern VALID =
      Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

  private Traceparent() {}

  /** The caller's header when it is valid, otherwise a new sampled trace. */
  public static String continueOrStart(String header) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String span = String.format("%016x", random.nextLong() | 1);
    if (header != null && VALID.matcher(header).matches()) {
      // Same trace, new span: this service's work is a child of the caller's span.
      return header.substring(0, 36) + span + header.substring(52);
    }
    return String.format("00-%016x%016x-%s-01", random.nextLong(), random.nextLong() | 1, span);
  }
}
