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
   * How many consecutive deliveries of one lane this job can apply in one transaction: the events
   * share one commit (and its fsync) and a few set-based statements instead of a round trip per
   * row. 1 applies one at a time.
   */
  default int batchSize() {
    return 1;
  }

  /**
   * Applies several deliveries in one transaction, each at most once, and returns one outcome per
   * delivery. Any exception rolls the whole batch back; the runtime then applies the deliveries one
   * by one, with retries and dead letters as usual, so a bad event cannot hold good ones hostage. A
   * delivery whose own part failed before the transaction (an external effect, a payload) can be
   * left out with {@link Outcome#ALONE}: the runtime then applies it on its own, after the batch.
   * So that a key's events keep their order, a job that leaves one out also leaves out every later
   * delivery of the same key in the batch.
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
    DUPLICATE,
    /** Only from {@link #applyAll}: not applied in the batch; the runtime applies it on its own. */
    ALONE
  }
}
