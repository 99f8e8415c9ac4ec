package dev.uploads.ops.deadletters.http;

import dev.uploads.ops.deadletters.OperatorError;
import dev.uploads.ops.deadletters.Operators;
import dev.uploads.schema.problem.Problem;
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
 *
 * <p>On an admin port guarded by {@link OperatorKeyFilter} the key was checked already and the
 * operator's name waits in the request; this filter still stands for endpoints mounted without it
 * or under a path configured as open.
 */
@Priority(Priorities.AUTHENTICATION)
public final class OperatorAuth implements ContainerRequestFilter {
  /** The request property (a servlet request attribute) holding the {@link Operators.Operator}. */
  public static final String OPERATOR = "dev.uploads.operator";

  static final String TITLE = "operator credentials required";
  static final String CHALLENGE = "Bearer realm=\"operators\"";
  private final Operators operators;

  public OperatorAuth(Operators operators) {
    this.operators = operators;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    if (request.getProperty(OPERATOR) instanceof Operators.Operator) {
      return;
    }
    String key = bearer(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    Optional<Operators.Operator> operator = operators.verify(key);
    if (operator.isEmpty()) {
      request.abortWith(
          Response.fromResponse(Problem.response(401, TITLE, refusal(key)))
              .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
              .build());
      return;
    }
    request.setProperty(OPERATOR, operator.get());
  }

  /** Who is asking: set by this filter or by {@link OperatorKeyFilter} before any resource runs. */
  static Operators.Operator operator(ContainerRequestContext request) {
    return (Operators.Operator) request.getProperty(OPERATOR);
  }

  /** Who is asking, when they are about to change something: a viewer's key is refused. */
  static Operators.Operator actor(ContainerRequestContext request) {
    Operators.Operator operator = operator(request);
    if (!operator.mayAct()) {
      throw OperatorError.forbidden(forbidden(operator));
    }
    return operator;
  }

  static String forbidden(Operators.Operator operator) {
    return "the key of "
        + operator.name()
        + " is a viewer's: it may look but not act; an operator can change its role with"
        + " 'ops/dead-letters operators role "
        + operator.name()
        + " operator'";
  }

  /** The key of an {@code Authorization: Bearer <key>} header, or null without one. */
  static String bearer(String header) {
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim()
        : null;
  }

  /** What a refused caller is told to do. */
  static String refusal(String key) {
    return key == null
        ? "send 'Authorization: Bearer <operator key>'; create one with"
            + " 'ops/dead-letters operators add <name>'"
        : "this key is not an operator key (client API keys never are)";
  }
}
