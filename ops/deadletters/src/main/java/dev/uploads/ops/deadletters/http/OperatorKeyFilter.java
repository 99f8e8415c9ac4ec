package dev.uploads.ops.deadletters.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.ops.deadletters.AdminAccessSettings;
import dev.uploads.ops.deadletters.OperatorEndpoints;
import dev.uploads.ops.deadletters.Operators;
import dev.uploads.schema.problem.Problem;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port's door. Tasks (such as {@code POST /tasks/log-level}), thread dumps, profiles and
 * the operator endpoints act on a running service, so they need an operator key, the same key and
 * the same check as {@link OperatorAuth}; only the configured open paths (health, ping, metrics)
 * answer anyone. A viewer's key may read but not act: any other method is a 403 problem, except
 * under {@code /dead-letters}, whose endpoints let a viewer make dry runs. A refusal is a 401
 * problem, whatever was wrong with the key; a key that cannot be checked because the database does
 * not answer is a 503 problem, never a stack trace.
 */
public final class OperatorKeyFilter extends HttpFilter {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorKeyFilter.class);
  private final Operators operators;
  private final List<String> openPaths;
  private final ObjectMapper json;

  OperatorKeyFilter(Operators operators, List<String> openPaths, ObjectMapper json) {
    this.operators = operators;
    this.openPaths = List.copyOf(openPaths);
    this.json = json;
  }

  /** Puts the filter in front of everything on the service's admin port. */
  public static void guard(Environment environment, Jdbi jdbi, AdminAccessSettings settings) {
    environment
        .admin()
        .addFilter(
            "operator-key",
            new OperatorKeyFilter(
                new Operators(jdbi), settings.getOpenPaths(), environment.getObjectMapper()))
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (isOpen(path(request))) {
      chain.doFilter(request, response);
      return;
    }
    String key = OperatorAuth.bearer(request.getHeader(HttpHeaders.AUTHORIZATION));
    Optional<Operators.Operator> operator;
    try {
      operator = operators.verify(key);
    } catch (JdbiException e) {
      LOG.warn("operator key not checked: the database did not answer", e);
      response.setHeader(HttpHeaders.RETRY_AFTER, "5");
      refuse(
          response,
          HttpServletResponse.SC_SERVICE_UNAVAILABLE,
          "operator keys cannot be checked now",
          "the database could not be asked; try again shortly");
      return;
    }
    if (operator.isEmpty()) {
      response.setHeader(HttpHeaders.WWW_AUTHENTICATE, OperatorAuth.CHALLENGE);
      refuse(
          response,
          HttpServletResponse.SC_UNAUTHORIZED,
          OperatorAuth.TITLE,
          OperatorAuth.refusal(key));
      return;
    }
    if (!operator.get().mayAct() && !isReading(request) && !path(request).startsWith(OWN_CHECKS)) {
      refuse(
          response,
          HttpServletResponse.SC_FORBIDDEN,
          "viewers may not act",
          OperatorAuth.forbidden(operator.get()));
      return;
    }
    request.setAttribute(OperatorAuth.OPERATOR, operator.get());
    chain.doFilter(request, response);
  }

  /** The operator endpoints tell a viewer's look (a dry run) from an act themselves. */
  private static final String OWN_CHECKS = "/dead-letters/";

  private static boolean isReading(HttpServletRequest request) {
    String method = request.getMethod();
    return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
  }

  /**
   * The path inside the admin context, decoded and normalised as the servlets are chosen by it, so
   * that no spelling of {@code /tasks} passes for an open path.
   */
  private static String path(HttpServletRequest request) {
    String info = request.getPathInfo();
    return request.getServletPath() + (info == null ? "" : info);
  }

  private boolean isOpen(String path) {
    // The console's static files: they hold no data and ask for the key themselves.
    if (path.equals(OperatorEndpoints.CONSOLE_PATH)
        || path.startsWith(OperatorEndpoints.CONSOLE_PATH + "/")) {
      return true;
    }
    for (String open : openPaths) {
      String below = open.endsWith("/") ? open : open + "/";
      if (path.equals(open) || path.startsWith(below)) {
        return true;
      }
    }
    return false;
  }

  private void refuse(HttpServletResponse response, int status, String title, String detail)
      throws IOException {
    response.setStatus(status);
    response.setContentType(Problem.MEDIA_TYPE);
    json.writeValue(response.getOutputStream(), Problem.of(status, title, detail));
  }
}
