package dev.uploads.schema.trace;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Pattern;

/**
 * The {@code tracing} block of the API's and the worker's configuration. Spans are always made and
 * their context always travels (response headers, outbox rows, Kafka headers, dead letters, log
 * lines); only their export is optional.
 *
 * <pre>
 * tracing: {}                                                        # the default: no export
 * tracing: {otlpEndpoint: "http://otel-collector:4318", serviceName: uploads-api}
 * </pre>
 */
public class TracingSettings {
  /**
   * A collector's OTLP/HTTP base URL; spans are sent in batches to {@code <it>/v1/traces} as
   * protobuf. Unset or empty: nothing is exported.
   */
  @Pattern(regexp = "(https?://\\S+)?", message = "must be an http:// or https:// URL, or empty")
  @JsonProperty
  private String otlpEndpoint;

  /** The spans' {@code service.name}; the application's name when unset or empty. */
  @JsonProperty private String serviceName;

  public String getOtlpEndpoint() {
    return otlpEndpoint;
  }

  public void setOtlpEndpoint(String otlpEndpoint) {
    this.otlpEndpoint = otlpEndpoint;
  }

  public String getServiceName() {
    return serviceName;
  }

  /** The process's tracing; close it at shutdown so that the last spans are sent. */
  public Tracing build(String defaultServiceName) {
    String service =
        serviceName == null || serviceName.isBlank() ? defaultServiceName : serviceName;
    return otlpEndpoint == null || otlpEndpoint.isBlank()
        ? Tracing.unexported(service)
        : Tracing.exportingTo(otlpEndpoint, service);
  }
}
