package dev.uploads.schema.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Jersey's own errors (unknown path, wrong method or media type) as problem+json too. */
public class WebApplicationProblemMapper implements ExceptionMapper<WebApplicationException> {
  @Override
  public Response toResponse(WebApplicationException e) {
    Response original = e.getResponse();
    Response.StatusType status = original.getStatusInfo();
    Response.ResponseBuilder builder =
        Response.fromResponse(
            Problem.response(status.getStatusCode(), status.getReasonPhrase(), e.getMessage()));
    original
        .getStringHeaders()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("Content-Type")) {
                values.forEach(v -> builder.header(name, v));
              }
            });
    return builder.build();
  }
}
