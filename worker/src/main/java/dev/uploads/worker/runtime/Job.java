package dev.uploads.worker.runtime;

import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * What one worker does with events. The runtime feeds it deliveries in per-key order, retries
 * transient failures, pauses while a dependency is down, and dead-letters what it gives up on.
 */
public interface Job {
  /** The job's name, which is also its Kafka consumer group. */
  String name();

  /** Topics besides {@code uploads} and the job's redrive topic. */
  default List<String> extraTopics() {
    return List.of();
  }

  /** The known event types this job applies; other known types pass by untouched. */
  Set<String> handles();

  /**
   * Applies the event at most once: the job records {@code (job, event id)} in the transaction of
   * its effect (see {@link ProcessedEvents}) and keys any external effect by the event id.
   */
  Outcome apply(Delivery delivery) throws Exception;

  /**
   * How many consecutive deliveries of one lane this job can apply in one transaction. Jobs with a
   * cheap effect (counters) batch to share one commit among many events; jobs with external effects
   * apply one at a time.
   */
  default int batchSize() {
    return 1;
  }

  /**
   * Applies several deliveries in one transaction, each at most once. Any exception rolls the whole
   * batch back; the runtime then applies the deliveries one by one, with retries and dead letters
   * as usual, so a bad event cannot hold good ones hostage.
   */
  default List<Outcome> applyAll(List<Delivery> deliveries) throws Exception {
    throw new UnsupportedOperationException(name() + " applies one delivery at a time");
  }

  /**
   * Runs in the transaction that writes the dead letter, for state that must say "failed" and why
   * ({@code last} is the failure of the final attempt).
   */
  default void gaveUp(Handle handle, Delivery delivery, Throwable last) {}

  enum Outcome {
    APPLIED,
    DUPLICATE
  }
}
