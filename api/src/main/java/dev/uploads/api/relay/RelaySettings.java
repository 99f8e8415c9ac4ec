package dev.uploads.api.relay;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

public class RelaySettings {
  /** Run the relay inside this process. */
  @JsonProperty private boolean enabled = true;

  /** Rows read, sent and deleted per cycle. */
  @Min(1)
  @Max(50_000)
  @JsonProperty
  private int batchSize = 2_000;

  /** Fallback wake-up when no commit signal arrives (signals normally wake the relay at once). */
  @NotNull @JsonProperty private Duration pollInterval = Duration.milliseconds(500);

  /**
   * The shortest time between two relay cycles: a batch window. A commit after a quiet spell is
   * read at once; under load the commits of a window share one read, one produce request and one
   * delete instead of a cycle each, and an event waits at most this much longer. 0 reads at once.
   */
  @NotNull @JsonProperty private Duration batchWindow = Duration.milliseconds(10);

  /** How long a shard lease lasts without renewal: the takeover time after a crash. */
  @NotNull @JsonProperty private Duration leaseDuration = Duration.seconds(5);

  /** First and largest wait after a failed publish (exponential with jitter in between). */
  @NotNull @JsonProperty private Duration backoffInitial = Duration.milliseconds(200);

  @NotNull @JsonProperty private Duration backoffMax = Duration.seconds(10);

  /** The health check fails when the oldest unpublished event is older than this. */
  @NotNull @JsonProperty private Duration maxOldestAge = Duration.seconds(60);

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public int getBatchSize() {
    return batchSize;
  }

  public Duration getPollInterval() {
    return pollInterval;
  }

  public Duration getBatchWindow() {
    return batchWindow;
  }

  public Duration getLeaseDuration() {
    return leaseDuration;
  }

  public Duration getBackoffInitial() {
    return backoffInitial;
  }

  public Duration getBackoffMax() {
    return backoffMax;
  }

  public Duration getMaxOldestAge() {
    return maxOldestAge;
  }
}
