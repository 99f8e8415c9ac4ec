package dev.uploads.ops.deadletters.http;

import dev.uploads.ops.deadletters.Operators;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * Every operator endpoint needs {@code Authorization: Bearer opk_…}. Client API keys live in
 * another table and are never operator keys: they get 401 like any unknown key.
 */
@Priority(Priorities.AUTHENTICATION)
public final class OperatorAuth implements ContainerRequestFilter {
  public static final String OPERATOR = "dev.uploads.operator";
  private final Operators operators;

  public OperatorAuth(Operators operators) {
    this.operators = operators;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String key =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : null;
    Optional<String> operator = operators.verify(key);
    if (operator.isEmpty()) {
      request.abortWith(
          OperatorErrors.problem(
                  Response.Status.UNAUTHORIZED,
                  "operator credentials required",
                  key == null
                      ? "send 'Authorization: Bearer <operator key>'; create one with"
                          + " 'ops/dead-letters operators add <name>'"
                      : "this key is not an operator key (client API keys never are)")
              .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"operators\"")
              .build());
      return;
    }
    request.setProperty(OPERATOR, operator.get());
  }
}
