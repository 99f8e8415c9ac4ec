package dev.uploads.api;

import dev.uploads.schema.Traceparent;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Every request's identity, on both ports: a request id and this service's span of the caller's
 * trace, set before anything else runs, so that every response carries them (errors and refusals
 * too), the request's log lines name them, and the upload's event continues the same trace.
 *
 * <ul>
 *   <li>{@code X-Request-Id}: the caller's, when it is a short token of letters, digits and {@code
 *       . _ : -} (a proxy's id then follows the request through); otherwise a new one.
 *   <li>{@code traceresponse} (W3C Trace Context level 2): {@code 00-<trace id>-<span id>-<flags>},
 *       this request's span, a child of the caller's {@code traceparent} when it sent a valid one,
 *       else the root of a new trace. The upload's {@code upload.received} event is a child of it.
 * </ul>
 */
public final class RequestContext extends HttpFilter {
  public static final String REQUEST_ID = "X-Request-Id";
  public static final String TRACE_RESPONSE = "traceresponse";

  /** The request attribute holding this request's span as a {@code traceparent} value. */
  public static final String TRACEPARENT = RequestContext.class.getName() + ".traceparent";

  private static final Pattern CALLERS_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /**
   * Puts the filter in front of everything on the application port and the admin port: call it
   * after every other filter is added, since each filter mapped this way goes before those added
   * earlier.
   */
  public static void install(Environment environment) {
    RequestContext filter = new RequestContext();
    environment
        .servlets()
        .addFilter("request-context", filter)
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
    environment
        .admin()
        .addFilter("request-context", filter)
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
  }

  /** This request's span as a {@code traceparent} value; a new trace outside a request. */
  public static String traceparent(HttpServletRequest request) {
    Object value = request == null ? null : request.getAttribute(TRACEPARENT);
    return value instanceof String span ? span : Traceparent.continueOrStart(null);
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request.getAttribute(TRACEPARENT) != null) {
      chain.doFilter(request, response); // an error dispatch of a request already identified
      return;
    }
    String callers = request.getHeader(REQUEST_ID);
    String id =
        callers != null && CALLERS_ID.matcher(callers).matches()
            ? callers
            : UUID.randomUUID().toString();
    String span = Traceparent.continueOrStart(request.getHeader("traceparent"));
    request.setAttribute(TRACEPARENT, span);
    response.setHeader(REQUEST_ID, id);
    response.setHeader(TRACE_RESPONSE, span);
    MDC.put("request_id", id);
    MDC.put("trace_id", span.substring(3, 35));
    MDC.put("span_id", span.substring(36, 52));
    try {
      chain.doFilter(request, response);
    } finally {
      MDC.remove("request_id");
      MDC.remove("trace_id");
      MDC.remove("span_id");
    }
  }
}
