package dev.uploads.api.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

public class ProblemMapper implements ExceptionMapper<ApiProblem> {
  @Override
  public Response toResponse(ApiProblem problem) {
    return problem.toResponse();
  }
}
