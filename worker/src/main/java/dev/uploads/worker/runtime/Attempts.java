package dev.uploads.worker.runtime;

import dev.uploads.schema.EventTypes;
import dev.uploads.schema.Topics;
import dev.uploads.schema.trace.Hop;
import dev.uploads.schema.trace.Tracing;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries a job on one delivery: transient failures are retried with exponential backoff and jitter;
 * permanent ones and exhausted retries become a dead letter; a dependency that is down (open
 * breaker, unreachable database) stops the attempt without a dead letter, so the runner can pause
 * and deliver the event again later.
 *
 * <p>Each delivery a job handles is processed in a span whose parent is its record's (the relay's
 * publish), with the dead letter, if any, as a child; a batch makes one such span per delivery.
 */
final class Attempts {
  private static final Logger LOG = LoggerFactory.getLogger(Attempts.class);

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
  private final Tracing tracing;

  Attempts(Job job, JobSettings jobSettings, Jdbi jdbi, JobMetrics metrics, Tracing tracing) {
    JobSettings.RetrySettings settings = jobSettings.getRetry();
    this.job = job;
    this.tracing = tracing;
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
    try {
      boolean known =
          delivery.eventType() != null && EventTypes.KNOWN.containsKey(delivery.eventType());
      if (known && !job.handles().contains(delivery.eventType())) {
        return Result.DONE;
      }
      try (Hop process = process(delivery)) {
        return run(delivery.inSpan(process.traceparent()), process, known);
      }
    } finally {
      metrics.latency.update(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }

  private Result run(Delivery delivery, Hop process, boolean known) {
    List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    try {
      if (!known) {
        PermanentFailure unknown =
            new PermanentFailure("unknown event type '" + delivery.eventType() + "'");
        attempts.add(Attempt.of(unknown));
        process.failed(unknown);
        return giveUp(delivery, attempts, unknown);
      }
      Job.Outcome outcome =
          retry.executeCallable(
              () -> {
                try {
                  return job.apply(delivery);
                } catch (Exception e) {
                  attempts.add(Attempt.of(e));
                  process.span().recordException(e);
                  throw e;
                }
              });
      (outcome == Job.Outcome.DUPLICATE ? metrics.duplicates : metrics.processed).mark();
      process.attribute("uploads.outcome", outcome.name().toLowerCase());
      LOG.debug(
          "job {} {} event {} ({}, key {})",
          job.name(),
          outcome == Job.Outcome.DUPLICATE ? "skipped the duplicate" : "applied",
          delivery.eventId(),
          delivery.eventType(),
          delivery.key());
      if (isReplay(delivery)
          && delivery.eventId() != null
          && deadLetters.resolveReplay(job, delivery.eventId())) {
        metrics.replayResolved.mark();
      }
      return Result.DONE;
    } catch (CallNotPermittedException e) {
      process.failed(e);
      return Result.DEPENDENCY_DOWN;
    } catch (Exception e) {
      process.span().setStatus(StatusCode.ERROR, e.toString());
      if (DatabaseDown.is(e)) {
        return Result.DEPENDENCY_DOWN;
      }
      return giveUp(delivery, attempts, e);
    }
  }

  /** The processing hop of one delivery: its span is current and named in the MDC meanwhile. */
  private Hop process(Delivery delivery) {
    return tracing.hop(processSpan(delivery));
  }

  /** The processing span of one delivery: a child of its record's, which the relay published. */
  private Span processSpan(Delivery delivery) {
    return tracing.span(
        "process " + job.name(),
        SpanKind.CONSUMER,
        delivery.traceparent(),
        Attributes.builder()
            .put("uploads.job", job.name())
            .put("messaging.system", "kafka")
            .put("messaging.operation.type", "process")
            .put("messaging.destination.name", delivery.topic())
            .put("messaging.consumer.group.name", job.name())
            .put("messaging.kafka.message.key", delivery.key())
            .put("messaging.kafka.offset", delivery.offset())
            .put("uploads.event.type", delivery.eventType())
            .put(
                "messaging.message.id",
                delivery.eventId() == null ? null : delivery.eventId().toString())
            .build());
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
    // One processing span per delivery, each a child of its own record's; none is current here,
    // since the batch's work on this thread is every delivery's at once.
    List<Span> spans = new ArrayList<>(deliveries.size());
    List<Delivery> inSpans = new ArrayList<>(deliveries.size());
    for (Delivery delivery : deliveries) {
      Span span = processSpan(delivery);
      spans.add(span);
      inSpans.add(delivery.inSpan(Tracing.traceparent(span.getSpanContext())));
    }
    List<Job.Outcome> outcomes;
    try {
      outcomes = job.applyAll(inSpans);
    } catch (Exception e) {
      for (Span span : spans) {
        span.recordException(e);
        span.setStatus(StatusCode.ERROR, "the batch failed; applied on its own next");
        span.end();
      }
      return null;
    }
    int applied = 0;
    for (int i = 0; i < outcomes.size(); i++) {
      Job.Outcome outcome = outcomes.get(i);
      spans.get(i).setAttribute("uploads.outcome", outcome.name().toLowerCase()).end();
      if (outcome != Job.Outcome.ALONE) {
        (outcome == Job.Outcome.DUPLICATE ? metrics.duplicates : metrics.processed).mark();
        applied++;
      }
    }
    if (applied > 0) {
      metrics.batchSize.update(applied);
      long each = (System.nanoTime() - started) / applied;
      for (int i = 0; i < applied; i++) {
        metrics.latency.update(each, TimeUnit.NANOSECONDS);
      }
    }
    return outcomes;
  }

  /** The dead letter, in a span of its own: a child of the processing span that gave up. */
  private Result giveUp(Delivery delivery, List<Attempt> attempts, Throwable last) {
    try (Hop letter = tracing.hop("dead letter " + job.name(), SpanKind.INTERNAL)) {
      letter
          .attribute("uploads.job", job.name())
          .attribute("uploads.attempts", attempts.size())
          .attribute("exception.type", last.getClass().getName());
      Delivery lettered = delivery.inSpan(letter.traceparent());
      try {
        if (isReplay(delivery)) {
          DeadLetters.ReplayFailure outcome =
              deadLetters.replayFailed(
                  job, lettered, List.copyOf(attempts), last, parkAfterReplays);
          switch (outcome) {
            case REOPENED -> metrics.replayFailed.mark();
            case PARKED -> metrics.replayParked.mark();
            case NEW_LETTER -> metrics.deadLettered.mark();
          }
          letter.attribute("uploads.dead_letter.outcome", outcome.name().toLowerCase());
          LOG.warn(
              "job {} gave up on replayed event {} ({}, key {}) again, its letter is {} ({})",
              job.name(),
              delivery.eventId(),
              delivery.eventType(),
              delivery.key(),
              outcome.name().toLowerCase(),
              last.getClass().getSimpleName());
        } else {
          Optional<Long> id = deadLetters.write(job, lettered, List.copyOf(attempts), last);
          if (id.isPresent()) {
            metrics.deadLettered.mark();
            letter.attribute("uploads.dead_letter.id", id.get());
            LOG.warn(
                "job {} gave up on event {} ({}, key {}) after {} attempts: dead letter {} ({})",
                job.name(),
                delivery.eventId(),
                delivery.eventType(),
                delivery.key(),
                attempts.size(),
                id.get(),
                last.getClass().getSimpleName());
          }
        }
        return Result.DONE;
      } catch (RuntimeException e) {
        letter.failed(e);
        // Without its dead letter the event must not be passed over: deliver it again later.
        return Result.DEPENDENCY_DOWN;
      }
    }
  }
}
