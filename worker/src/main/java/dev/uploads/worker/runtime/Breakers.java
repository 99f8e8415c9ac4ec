package dev.uploads.worker.runtime;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One circuit breaker per external dependency (SMTP, the blob store). A breaker opens after {@code
 * failuresToOpen} failed calls in a row, fewer than a job's retry attempts, so that an outage
 * pauses the job before any event runs out of attempts: an outage makes no dead letters. Permanent
 * failures are the event's fault, not the dependency's, and are not counted.
 */
public final class Breakers {
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final CircuitBreakerConfig config;
  private final MetricRegistry metrics;

  public Breakers(int failuresToOpen, Duration openFor, MetricRegistry metrics) {
    this.metrics = metrics;
    this.config =
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(failuresToOpen)
            .minimumNumberOfCalls(failuresToOpen)
            .failureRateThreshold(100)
            .waitDurationInOpenState(openFor)
            .automaticTransitionFromOpenToHalfOpenEnabled(true)
            .permittedNumberOfCallsInHalfOpenState(1)
            .ignoreExceptions(PermanentFailure.class)
            .build();
  }

  public CircuitBreaker of(String dependency) {
    return breakers.computeIfAbsent(
        dependency,
        name -> {
          CircuitBreaker breaker = CircuitBreaker.of(name, config);
          metrics.register(
              MetricRegistry.name("breaker", name, "state"),
              (Gauge<String>) () -> breaker.getState().name());
          metrics.register(
              MetricRegistry.name("breaker", name, "state-code"),
              (Gauge<Integer>) () -> code(breaker.getState()));
          return breaker;
        });
  }

  /** Each breaker's state by its dependency's name, such as {@code smtp: CLOSED}. */
  public java.util.SortedMap<String, String> states() {
    java.util.SortedMap<String, String> states = new java.util.TreeMap<>();
    breakers.forEach((name, breaker) -> states.put(name, breaker.getState().name()));
    return states;
  }

  /**
   * The state as a number, which Prometheus keeps (it drops text): 0 closed, 1 half-open (a probe
   * may pass), 2 open. Ordered by harm, so the highest across processes is the worst.
   */
  static int code(CircuitBreaker.State state) {
    return switch (state) {
      case CLOSED, DISABLED, METRICS_ONLY -> 0;
      case HALF_OPEN -> 1;
      case OPEN, FORCED_OPEN -> 2;
    };
  }

  /**
   * True when no breaker is open: a paused job may resume (a half-open breaker lets a probe
   * through).
   */
  public boolean allPermit() {
    Collection<CircuitBreaker> all = breakers.values();
    return all.stream().noneMatch(b -> b.getState() == CircuitBreaker.State.OPEN);
  }
}
