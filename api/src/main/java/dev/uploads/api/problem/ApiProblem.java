package dev.uploads.api.problem;

import dev.uploads.schema.problem.Problem;
import dev.uploads.schema.problem.UnexpectedProblemMapper;
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

  /** The client stopped sending its body for longer than the connector's idle timeout. */
  public static final class RequestTimeout extends ApiProblem {
    public RequestTimeout(String detail) {
      super(408, "Request timeout", detail);
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

  /**
   * The blob store cannot be reached or answers with errors: like a database outage, the client's
   * cue to send the same request again later, not a fault of the request.
   */
  public static final class BlobStoreUnavailable extends ApiProblem {
    public BlobStoreUnavailable() {
      super(503, "Service unavailable", "The blob store cannot be reached; retry later.");
    }

    @Override
    public Map<String, String> headers() {
      return Map.of("Retry-After", UnexpectedProblemMapper.RETRY_AFTER_SECONDS);
    }
  }

  /**
   * The client closed or reset the connection before its body ended. No one receives this response;
   * its status is what the request log records. 499 (nginx's "client closed request") keeps the
   * abort in the 4xx class, where alerts on server errors do not see it, and apart from the 400s of
   * bodies that did arrive but were malformed.
   */
  public static final class ClientClosedRequest extends ApiProblem {
    public ClientClosedRequest(String detail) {
      super(499, "Client closed request", detail);
    }

    /**
     * No problem+json body: Jersey logs a failure to write one to a reset connection at ERROR.
     * Without a body Jetty completes the exchange itself and takes the closed connection quietly.
     */
    @Override
    public Response toResponse() {
      return Response.status(status()).build();
    }
  }
}
