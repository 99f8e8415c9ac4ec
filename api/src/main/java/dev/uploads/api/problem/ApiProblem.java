package dev.uploads.api.problem;

import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * A client-visible error. Resources throw one of the subclasses; {@link ProblemMapper} turns it
 * into a problem+json response, so no resource builds an error response by hand.
 */
public abstract class ApiProblem extends RuntimeException {
  private final int status;
  private final String title;

  protected ApiProblem(int status, String title, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** Extra response headers, such as Retry-After. */
  public Map<String, String> headers() {
    return Map.of();
  }

  public Response toResponse() {
    Response.ResponseBuilder builder =
        Response.fromResponse(Problem.response(status, title, getMessage()));
    headers().forEach(builder::header);
    return builder.build();
  }

  public static final class Malformed extends ApiProblem {
    public Malformed(String detail) {
      super(400, "Malformed request", detail);
    }
  }

  public static final class NotFound extends ApiProblem {
    public NotFound(String detail) {
      super(404, "Not found", detail);
    }
  }

  public static final class TooLarge extends ApiProblem {
    public TooLarge(String detail) {
      super(413, "Upload too large", detail);
    }
  }

  public static final class UnsupportedImage extends ApiProblem {
    public UnsupportedImage(String detail) {
      super(415, "Not a supported image", detail);
    }
  }

  public static final class IdempotencyKeyReused extends ApiProblem {
    public IdempotencyKeyReused(String detail) {
      super(422, "Idempotency-Key reused with other content", detail);
    }
  }
}
