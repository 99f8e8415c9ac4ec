package dev.uploads.api;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import com.codahale.metrics.Timer;
import io.prometheus.client.Collector;
import io.prometheus.client.dropwizard.samplebuilder.SampleBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;

/**
 * Rate, errors and duration of each endpoint of the client API: {@code http.<endpoint>.requests} (a
 * timer, 1-minute window) and {@code http.<endpoint>.responses.<class>} (meters: {@code 2xx},
 * {@code 4xx}, {@code 5xx}, …), where the endpoint is the method and the route template, {@code GET
 * /v1/uploads/{id}}: a bounded set of values, unlike paths. A request no route matched counts as
 * {@code unmatched}. Each endpoint's metrics exist from the start, at zero, so an error ratio reads
 * 0 before the first error rather than nothing. In Prometheus' format (see {@link #samples}):
 * {@code http_request_duration_seconds{endpoint}} and {@code http_responses_total{endpoint,
 * status}}.
 */
public final class EndpointMetrics implements ApplicationEventListener {
  static final String UNMATCHED = "unmatched";
  private static final List<String> USUAL_CLASSES = List.of("2xx", "4xx", "5xx");
  private static final Pattern REQUESTS = Pattern.compile("http\\.(.+)\\.requests");
  private static final Pattern RESPONSES = Pattern.compile("http\\.(.+)\\.responses\\.(\\dxx)");

  private final MetricRegistry registry;
  private final Map<ResourceMethod, Instruments> endpoints = new ConcurrentHashMap<>();
  private final Instruments unmatched;

  public EndpointMetrics(MetricRegistry registry) {
    this.registry = registry;
    this.unmatched = new Instruments(UNMATCHED);
  }

  /** One endpoint's timer and meters, looked up once rather than by name on every request. */
  private final class Instruments {
    private final String endpoint;
    private final Timer requests;
    private final Meter[] responses = new Meter[6];

    Instruments(String endpoint) {
      this.endpoint = endpoint;
      this.requests = timer(endpoint);
      USUAL_CLASSES.forEach(c -> responses[c.charAt(0) - '0'] = meter(endpoint, c));
    }

    Meter responses(int status) {
      int statusClass = status / 100;
      if (statusClass < 1 || statusClass >= responses.length) {
        return meter(endpoint, statusClass + "xx");
      }
      Meter meter = responses[statusClass];
      if (meter == null) {
        meter = meter(endpoint, statusClass + "xx");
        responses[statusClass] = meter;
      }
      return meter;
    }
  }

  /**
   * Maps this class's metrics to one family each, with the endpoint as a label, and leaves every
   * other metric to {@code others}. Route templates may hold dots ({@code /v1/openapi.yaml}), which
   * Prometheus' glob mappings take for separators.
   */
  public static SampleBuilder samples(SampleBuilder others) {
    return (name, suffix, labelNames, labelValues, value) -> {
      Matcher requests = REQUESTS.matcher(name);
      Matcher responses = RESPONSES.matcher(name);
      if (requests.matches()) {
        return sample(
            "http_request_duration_seconds" + suffix,
            labelNames,
            labelValues,
            List.of("endpoint", requests.group(1)),
            value);
      }
      if (responses.matches()) {
        return sample(
            "http_responses" + suffix,
            labelNames,
            labelValues,
            List.of("endpoint", responses.group(1), "status", responses.group(2)),
            value);
      }
      return others.createSample(name, suffix, labelNames, labelValues, value);
    };
  }

  private static Collector.MetricFamilySamples.Sample sample(
      String name, List<String> names, List<String> values, List<String> labels, double value) {
    List<String> allNames = new ArrayList<>();
    List<String> allValues = new ArrayList<>();
    for (int i = 0; i < labels.size(); i += 2) {
      allNames.add(labels.get(i));
      allValues.add(labels.get(i + 1));
    }
    allNames.addAll(names);
    allValues.addAll(values);
    return new Collector.MetricFamilySamples.Sample(name, allNames, allValues, value);
  }

  @Override
  public void onEvent(ApplicationEvent event) {
    if (event.getType() == ApplicationEvent.Type.INITIALIZATION_FINISHED) {
      event.getResourceModel().getResources().forEach(this::register);
    }
  }

  private void register(Resource resource) {
    for (ResourceMethod method : resource.getResourceMethods()) {
      // Extended methods are Jersey's own (OPTIONS answers): counted once called, not listed.
      if (!method.isExtended()) {
        endpoints.computeIfAbsent(method, m -> new Instruments(endpoint(m)));
      }
    }
    resource.getChildResources().forEach(this::register);
  }

  @Override
  public RequestEventListener onRequest(RequestEvent start) {
    long started = System.nanoTime();
    return event -> {
      if (event.getType() == RequestEvent.Type.FINISHED) {
        finished(event, System.nanoTime() - started);
      }
    };
  }

  private void finished(RequestEvent event, long nanos) {
    ResourceMethod method = event.getUriInfo().getMatchedResourceMethod();
    Instruments instruments =
        method == null
            ? unmatched
            : endpoints.computeIfAbsent(method, m -> new Instruments(endpoint(m)));
    instruments.requests.update(nanos, TimeUnit.NANOSECONDS);
    // None when the client went away before an answer could be written.
    ContainerResponse response = event.getContainerResponse();
    if (response != null) {
      instruments.responses(response.getStatus()).mark();
    }
  }

  private Timer timer(String endpoint) {
    return registry.timer(
        "http." + endpoint + ".requests",
        () -> new Timer(new SlidingTimeWindowArrayReservoir(1, TimeUnit.MINUTES)));
  }

  private Meter meter(String endpoint, String statusClass) {
    return registry.meter("http." + endpoint + ".responses." + statusClass);
  }

  /** {@code POST /v1/uploads}: the method and the templates of the resources it belongs to. */
  static String endpoint(ResourceMethod method) {
    List<String> parts = new ArrayList<>();
    for (Resource r = method.getParent(); r != null; r = r.getParent()) {
      String path = r.getPath().replaceAll("^/+|/+$", "");
      if (!path.isEmpty()) {
        parts.add(0, path);
      }
    }
    return method.getHttpMethod() + " /" + String.join("/", parts);
  }
}
