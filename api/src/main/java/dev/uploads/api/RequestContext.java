package dev.uploads.api;

import dev.uploads.schema.trace.Hop;
import dev.uploads.schema.trace.Tracing;
import io.dropwizard.core.setup.Environment;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
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
 *       this request's server span, a child of the caller's {@code traceparent} when it sent a
 *       valid one, else the root of a new trace. The span is current while the request runs, so the
 *       upload's outbox write is its child.
 * </ul>
 */
public final class RequestContext extends HttpFilter {
  public static final String REQUEST_ID = "X-Request-Id";
  public static final String TRACE_RESPONSE = "traceresponse";

  /** MDC key of the request id; {@link Hop} names the trace and the span. */
  public static final String MDC_REQUEST_ID = "request_id";

  private static final String IDENTIFIED = RequestContext.class.getName() + ".identified";
  private static final Pattern CALLERS_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private static final TextMapGetter<HttpServletRequest> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServletRequest request) {
          return Collections.list(request.getHeaderNames());
        }

        @Override
        public String get(HttpServletRequest request, String name) {
          return request == null ? null : request.getHeader(name);
        }
      };

  private final Tracing tracing;

  private RequestContext(Tracing tracing) {
    this.tracing = tracing;
  }

  /**
   * Puts the filter in front of everything on the application port and the admin port: call it
   * after every other filter is added, since each filter mapped this way goes before those added
   * earlier.
   */
  public static void install(Environment environment, Tracing tracing) {
    RequestContext filter = new RequestContext(tracing);
    environment
        .servlets()
        .addFilter("request-context", filter)
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
    environment
        .admin()
        .addFilter("request-context", filter)
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request.getAttribute(IDENTIFIED) != null) {
      chain.doFilter(request, response); // an error dispatch of a request already identified
      return;
    }
    request.setAttribute(IDENTIFIED, Boolean.TRUE);
    String callers = request.getHeader(REQUEST_ID);
    String id =
        callers != null && CALLERS_ID.matcher(callers).matches()
            ? callers
            : UUID.randomUUID().toString();
    // The span is named by the method alone (OpenTelemetry's HTTP conventions): paths hold ids.
    try (Hop hop =
        tracing.hop(request.getMethod(), SpanKind.SERVER, Tracing.parent(request, HEADERS))) {
      hop.attribute("http.request.method", request.getMethod())
          .attribute("url.path", request.getRequestURI())
          .attribute("uploads.request_id", id);
      response.setHeader(REQUEST_ID, id);
      response.setHeader(TRACE_RESPONSE, hop.traceparent());
      MDC.put(MDC_REQUEST_ID, id);
      try {
        chain.doFilter(request, response);
        int status = response.getStatus();
        hop.attribute("http.response.status_code", status);
        if (status >= 500) {
          hop.span().setStatus(StatusCode.ERROR);
        }
      } catch (IOException | ServletException | RuntimeException e) {
        hop.failed(e);
        throw e;
      } finally {
        MDC.remove(MDC_REQUEST_ID);
      }
    }
  }
}
