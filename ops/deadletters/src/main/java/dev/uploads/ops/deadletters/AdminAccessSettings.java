package dev.uploads.ops.deadletters;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/**
 * Who may use a service's admin port. Everything there needs an operator key except these paths,
 * which load balancers, orchestrators and Prometheus call without one. A path opens itself and what
 * lies below it ({@code /healthcheck} opens {@code /healthcheck/x}, not {@code /healthcheckx});
 * query strings play no part.
 */
public class AdminAccessSettings {
  @NotNull @JsonProperty
  private List<@NotNull @Pattern(regexp = "/.*", message = "starts with '/'") String> openPaths =
      List.of("/healthcheck", "/ping", "/metrics", "/prometheus");

  public List<String> getOpenPaths() {
    return openPaths;
  }
}
