package dev.uploads.schema;

/** Kafka record header names of the Kafka contract. Values are UTF-8 strings. */
public final class EventHeaders {
  public static final String EVENT_ID = "event-id";
  public static final String EVENT_TYPE = "event-type";
  public static final String EVENT_VERSION = "event-version";
  public static final String TRACEPARENT = "traceparent";
  public static final String OCCURRED_AT = "occurred-at";

  /** On redrive records: how many times operators replayed this event (1 for the first). */
  public static final String REPLAY_GENERATION = "replay-generation";

  /** On redrive records: the operator action (see {@code dead_letter_actions}) that sent it. */
  public static final String REPLAY_ACTION = "replay-action-id";

  /** On dead-letter records: where the event was and why the job gave up on it. */
  public static final String DLT_ORIGINAL_TOPIC = "dlt-original-topic";

  public static final String DLT_ORIGINAL_PARTITION = "dlt-original-partition";
  public static final String DLT_ORIGINAL_OFFSET = "dlt-original-offset";
  public static final String DLT_ORIGINAL_TIMESTAMP = "dlt-original-timestamp";
  public static final String DLT_CONSUMER_GROUP = "dlt-consumer-group";
  public static final String DLT_EXCEPTION_CLASS = "dlt-exception-class";
  public static final String DLT_EXCEPTION_MESSAGE = "dlt-exception-message";
  public static final String DLT_STACK_TRACE = "dlt-stack-trace";
  public static final String DLT_ATTEMPTS = "dlt-attempts";
  public static final String DLT_FIRST_FAILURE = "dlt-first-failure";
  public static final String DLT_LAST_FAILURE = "dlt-last-failure";
  public static final String DLT_FINGERPRINT = "dlt-fingerprint";
  public static final String DLT_LETTER_ID = "dlt-letter-id";

  private EventHeaders() {}
}
