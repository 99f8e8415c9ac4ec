package dev.uploads.ops.deadletters.http;

import dev.uploads.ops.deadletters.OperatorError;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** Operator errors as problem+json, with the same message the CLI prints. */
public final class OperatorErrors implements ExceptionMapper<OperatorError> {
  static final String MEDIA_TYPE = "application/problem+json";

  @Override
  public Response toResponse(OperatorError e) {
    Response.Status status =
        switch (e.kind()) {
          case BAD_INPUT -> Response.Status.BAD_REQUEST;
          case NOT_FOUND -> Response.Status.NOT_FOUND;
          case CONFLICT -> Response.Status.CONFLICT;
          case FORBIDDEN -> Response.Status.FORBIDDEN;
        };
    return problem(status, status.getReasonPhrase(), e.getMessage()).build();
  }

  static Response.ResponseBuilder problem(Response.Status status, String title, String detail) {
    return Response.status(status)
        .type(MEDIA_TYPE)
        .entity(body(status.getStatusCode(), title, detail));
  }

  /** An RFC 9457 problem body, for the endpoints here and the admin port's key filter alike. */
  static Map<String, Object> body(int status, String title, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    return body;
  }
}
