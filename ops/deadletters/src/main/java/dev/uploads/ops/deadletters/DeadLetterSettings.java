package dev.uploads.ops.deadletters;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** The operator side in a service's configuration: retention and the defaults of a replay. */
public class DeadLetterSettings {
  /** Resolved and discarded letters are deleted this long after they closed; open ones never. */
  @NotNull @JsonProperty private Duration retention = Duration.days(30);

  /** How often retention runs. */
  @NotNull @JsonProperty private Duration pruneEvery = Duration.hours(1);

  /** Letters per second of a replay that names no rate. */
  @DecimalMin("0.01")
  @JsonProperty
  private double replayRate = Cli.DEFAULT_RATE;

  /** The most letters one replay or discard may take unless it says otherwise. */
  @Min(1)
  @Max(ActionRequest.MAX_LIMIT)
  @JsonProperty
  private int maxPerAction = Cli.DEFAULT_MAX;

  public Duration getRetention() {
    return retention;
  }

  public Duration getPruneEvery() {
    return pruneEvery;
  }

  public double getReplayRate() {
    return replayRate;
  }

  public int getMaxPerAction() {
    return maxPerAction;
  }
}
