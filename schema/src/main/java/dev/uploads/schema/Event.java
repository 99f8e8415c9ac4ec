package dev.uploads.schema;

/**
 * A fact that some aggregate changed. Each implementation is a small immutable record whose {@link
 * #type()} and {@link #version()} are part of the Kafka contract and independent of the Java class
 * name.
 */
public interface Event {
  /** The event type, for example {@code upload.received}; sent as the {@code event-type} header. */
  String type();

  /** The payload schema version; sent as the {@code event-version} header. */
  int version();

  /** The Kafka topic of the aggregate. */
  String topic();

  /** The aggregate id: the Kafka record key, which fixes the per-key order. */
  String key();
}
