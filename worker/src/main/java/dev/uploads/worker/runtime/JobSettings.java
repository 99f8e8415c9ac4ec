package dev.uploads.worker.runtime;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** How one job runs: whether, how many keys at once, and how it retries. */
public class JobSettings {
  @JsonProperty private boolean enabled = true;

  /** Keys processed in parallel; events of one key are always applied one after another. */
  @Min(1)
  @Max(64)
  @JsonProperty
  private int concurrency = 4;

  @Valid @NotNull @JsonProperty private RetrySettings retry = new RetrySettings();

  /**
   * Loop protection: a dead letter that fails again on its Nth operator replay is parked, and only
   * an explicit override replays it again.
   */
  @Min(1)
  @Max(100)
  @JsonProperty
  private int parkAfterReplays = 3;

  public int getParkAfterReplays() {
    return parkAfterReplays;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public int getConcurrency() {
    return concurrency;
  }

  public RetrySettings getRetry() {
    return retry;
  }

  public static class RetrySettings {
    /** Tries in all, the first included. */
    @Min(1)
    @Max(100)
    @JsonProperty
    private int attempts = 5;

    @NotNull @JsonProperty private Duration firstDelay = Duration.milliseconds(200);

    @DecimalMin("1.0")
    @JsonProperty
    private double multiplier = 2.0;

    @NotNull @JsonProperty private Duration maxDelay = Duration.seconds(10);

    public int getAttempts() {
      return attempts;
    }

    public Duration getFirstDelay() {
      return firstDelay;
    }

    public double getMultiplier() {
      return multiplier;
    }

    public Duration getMaxDelay() {
      return maxDelay;
    }
  }
}
