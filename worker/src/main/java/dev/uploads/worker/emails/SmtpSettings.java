package dev.uploads.worker.emails;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

public class SmtpSettings {
  @NotEmpty @JsonProperty private String host = "127.0.0.1";

  @Min(1)
  @Max(65535)
  @JsonProperty
  private int port = 25;

  @NotEmpty @JsonProperty private String from = "uploads@localhost";

  @NotNull @JsonProperty private Duration timeout = Duration.seconds(10);

  public String getHost() {
    return host;
  }

  public int getPort() {
    return port;
  }

  public String getFrom() {
    return from;
  }

  public Duration getTimeout() {
    return timeout;
  }
}
