package dev.uploads.api.relay;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotEmpty;
import java.util.HashMap;
import java.util.Map;

public class KafkaSettings {
  @NotEmpty @JsonProperty private String bootstrapServers = "127.0.0.1:9092";

  /** Extra producer properties; they override the relay's defaults. */
  @JsonProperty private Map<String, String> producer = new HashMap<>();

  public String getBootstrapServers() {
    return bootstrapServers;
  }

  public Map<String, String> getProducer() {
    return producer;
  }
}
