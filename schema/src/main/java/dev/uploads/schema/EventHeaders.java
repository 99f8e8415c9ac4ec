package dev.uploads.schema;

/** Kafka record header names of the Kafka contract. Values are UTF-8 strings. */
public final class EventHeaders {
  public static final String EVENT_ID = "event-id";
  public static final String EVENT_TYPE = "event-type";
  public static final String EVENT_VERSION = "event-version";
  public static final String TRACEPARENT = "traceparent";
  public static final String OCCURRED_AT = "occurred-at";

  private EventHeaders() {}
}
