package dev.uploads.schema.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything else. A database that cannot be reached is the client's cue to retry (503 with
 * Retry-After); any other failure is a 500 whose detail names a log entry, never a stack trace.
 */
public class UnexpectedProblemMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedProblemMapper.class);
  public static final String RETRY_AFTER_SECONDS = "5";

  @Override
  public Response toResponse(Throwable e) {
    if (isDatabaseUnreachable(e)) {
      LOG.warn("database unreachable: {}", e.toString());
      return Response.fromResponse(
              Problem.response(
                  503, "Service unavailable", "The database cannot be reached; retry later."))
          .header("Retry-After", RETRY_AFTER_SECONDS)
          .build();
    }
    String incident = UUID.randomUUID().toString();
    LOG.error("unexpected failure, incident {}", incident, e);
    return Problem.response(500, "Internal error", "Incident " + incident + " was logged.");
  }

  /** SQL state class 08 is "connection exception"; 57P0x is the server shutting down. */
  static boolean isDatabaseUnreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t.getClass().getName().endsWith("PoolExhaustedException")) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P0")) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
