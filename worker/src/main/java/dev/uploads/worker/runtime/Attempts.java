package dev.uploads.worker.runtime;

import dev.uploads.schema.EventTypes;
import dev.uploads.schema.Topics;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Tries a job on one delivery: transient failures are retried with exponential backoff and jitter;
 * permanent ones and exhausted retries become a dead letter; a dependency that is down (open
 * breaker, unreachable database) stops the attempt without a dead letter, so the runner can pause
 * and deliver the event again later.
 */
final class Attempts {
  enum Result {
    DONE,
    DEPENDENCY_DOWN
  }

  private final Job job;
  private final Retry retry;
  private final DeadLetters deadLetters;
  private final Jdbi jdbi;
  private final JobMetrics metrics;
  private final int parkAfterReplays;

  Attempts(Job job, JobSettings jobSettings, Jdbi jdbi, JobMetrics metrics) {
    JobSettings.RetrySettings settings = jobSettings.getRetry();
    this.job = job;
    this.jdbi = jdbi;
    this.metrics = metrics;
    this.parkAfterReplays = jobSettings.getParkAfterReplays();
    this.deadLetters = new DeadLetters(jdbi);
    this.retry =
        Retry.of(
            job.name(),
            RetryConfig.custom()
                .maxAttempts(settings.getAttempts())
                .intervalFunction(
                    IntervalFunction.ofExponentialRandomBackoff(
                        settings.getFirstDelay().toMilliseconds(),
                        settings.getMultiplier(),
                        0.5,
                        settings.getMaxDelay().toMilliseconds()))
                .retryOnException(Attempts::isTransient)
                .build());
    retry.getEventPublisher().onRetry(event -> metrics.retried.mark());
  }

  static boolean isTransient(Throwable failure) {
    return !(failure instanceof PermanentFailure)
        && !(failure instanceof CallNotPermittedException)
        && !DatabaseDown.is(failure);
  }

  Result run(Delivery delivery) {
    long started = System.nanoTime();
    List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    try {
      if (delivery.eventType() == null || !EventTypes.KNOWN.containsKey(delivery.eventType())) {
        PermanentFailure unknown =
            new PermanentFailure("unknown event type '" + delivery.eventType() + "'");
        attempts.add(Attempt.of(unknown));
        return giveUp(delivery, attempts, unknown);
      }
      if (!job.handles().contains(delivery.eventType())) {
        return Result.DONE;
      }
      Job.Outcome outcome =
          retry.executeCallable(
              () -> {
                try {
                  return job.apply(delivery);
                } catch (Exception e) {
                  attempts.add(Attempt.of(e));
                  throw e;
                }
              });
      (outcome == Job.Outcome.DUPLICATE ? metrics.duplicates : metrics.processed).mark();
      if (isReplay(delivery)
          && delivery.eventId() != null
          && deadLetters.resolveReplay(job, delivery.eventId())) {
        metrics.replayResolved.mark();
      }
      return Result.DONE;
    } catch (CallNotPermittedException e) {
      return Result.DEPENDENCY_DOWN;
    } catch (Exception e) {
      if (DatabaseDown.is(e)) {
        return Result.DEPENDENCY_DOWN;
      }
      return giveUp(delivery, attempts, e);
    } finally {
      metrics.latency.update(
          System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  /** Whether a delivery may join a batch: a known, handled type that is not an operator replay. */
  boolean batchable(Delivery delivery) {
    return delivery.eventType() != null
        && EventTypes.KNOWN.containsKey(delivery.eventType())
        && job.handles().contains(delivery.eventType())
        && !isReplay(delivery);
  }

  private boolean isReplay(Delivery delivery) {
    return delivery.topic().equals(Topics.redrive(job.name()));
  }

  /**
   * One transaction for the whole batch: the outcome of each delivery ({@link Job.Outcome#ALONE}
   * for one the caller applies on its own), or null when the batch failed as a whole and the caller
   * takes the one-by-one path.
   */
  List<Job.Outcome> runBatch(List<Delivery> deliveries) {
    long started = System.nanoTime();
    List<Job.Outcome> outcomes;
    try {
      outcomes = job.applyAll(deliveries);
    } catch (Exception e) {
      return null;
    }
    int applied = 0;
    for (Job.Outcome outcome : outcomes) {
      if (outcome != Job.Outcome.ALONE) {
        (outcome == Job.Outcome.DUPLICATE ? metrics.duplicates : metrics.processed).mark();
        applied++;
      }
    }
    if (applied > 0) {
      metrics.batchSize.update(applied);
      long each = (System.nanoTime() - started) / applied;
      for (int i = 0; i < applied; i++) {
        metrics.latency.update(each, java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    }
    return outcomes;
  }

  private Result giveUp(Delivery delivery, List<Attempt> attempts, Throwable last) {
    try {
      if (isReplay(delivery)) {
        switch (deadLetters.replayFailed(
            job, delivery, List.copyOf(attempts), last, parkAfterReplays)) {
          case REOPENED -> metrics.replayFailed.mark();
          case PARKED -> metrics.replayParked.mark();
          case NEW_LETTER -> metrics.deadLettered.mark();
        }
      } else if (deadLetters.write(job, delivery, List.copyOf(attempts), last).isPresent()) {
        metrics.deadLettered.mark();
      }
      return Result.DONE;
    } catch (RuntimeException e) {
      // Without its dead letter the event must not be passed over: deliver it again later.
      return Result.DEPENDENCY_DOWN;
    }
  }
}
