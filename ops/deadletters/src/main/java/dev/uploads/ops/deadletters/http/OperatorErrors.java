package dev.uploads.ops.deadletters.http;

import dev.uploads.ops.deadletters.OperatorError;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** Operator errors as problem+json, with the same message the CLI prints. */
public final class OperatorErrors implements ExceptionMapper<OperatorError> {
  @Override
  public Response toResponse(OperatorError e) {
    Response.Status status =
        switch (e.kind()) {
          case BAD_INPUT -> Response.Status.BAD_REQUEST;
          case NOT_FOUND -> Response.Status.NOT_FOUND;
          case CONFLICT -> Response.Status.CONFLICT;
        };
    return problem(status, status.getReasonPhrase(), e.getMessage()).build();
  }

  static Response.ResponseBuilder problem(Response.Status status, String title, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status.getStatusCode());
    body.put("detail", detail);
    return Response.status(status).type("application/problem+json").entity(body);
  }
}
