package dev.uploads.schema.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem detail: the body of every error response, on the client API and on the admin
 * ports (operator endpoints, the key filter) alike. There is no other.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    @JsonProperty("type") String type,
    @JsonProperty("title") String title,
    @JsonProperty("status") int status,
    @JsonProperty("detail") String detail) {

  public static final String MEDIA_TYPE = "application/problem+json";

  public static Problem of(int status, String title, String detail) {
    return new Problem("about:blank", title, status, detail);
  }

  public static Response response(int status, String title, String detail) {
    return Response.status(status).type(MEDIA_TYPE).entity(of(status, title, detail)).build();
  }
}
