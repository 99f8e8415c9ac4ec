package dev.uploads.ops.deadletters.http;

import dev.uploads.ops.deadletters.OperatorError;
import dev.uploads.schema.problem.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Operator errors as the one problem+json, with the same message the CLI prints. */
public final class OperatorErrors implements ExceptionMapper<OperatorError> {
  @Override
  public Response toResponse(OperatorError e) {
    Response.Status status =
        switch (e.kind()) {
          case BAD_INPUT -> Response.Status.BAD_REQUEST;
          case NOT_FOUND -> Response.Status.NOT_FOUND;
          case CONFLICT -> Response.Status.CONFLICT;
          case FORBIDDEN -> Response.Status.FORBIDDEN;
        };
    return Problem.response(status.getStatusCode(), status.getReasonPhrase(), e.getMessage());
  }
}
