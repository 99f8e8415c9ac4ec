package dev.uploads.ops.deadletters;

import dev.uploads.ops.deadletters.http.OperatorAuth;
import dev.uploads.ops.deadletters.http.OperatorErrors;
import dev.uploads.ops.deadletters.http.OperatorResource;
import dev.uploads.schema.problem.UnexpectedProblemMapper;
import dev.uploads.schema.problem.WebApplicationProblemMapper;
import dev.uploads.schema.trace.Tracing;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jersey.DropwizardResourceConfig;
import io.dropwizard.jersey.jackson.JacksonFeature;
import io.dropwizard.servlets.assets.AssetServlet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.jersey.servlet.ServletContainer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the operator endpoints on a service's admin port under {@code /dead-letters}, away from the
 * clients' port, and runs retention on a schedule.
 */
public final class OperatorEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorEndpoints.class);

  /** Where the console is served on the admin port. */
  public static final String CONSOLE_PATH = "/console";

  private static final String CONSOLE_RESOURCES = "/console";

  private OperatorEndpoints() {}

  public static void mount(
      Environment environment, Jdbi jdbi, DeadLetterSettings settings, Tracing tracing) {
    Actions actions = new Actions(jdbi, environment.metrics(), tracing);
    ExecutorService runner =
        environment
            .lifecycle()
            .executorService("dead-letter-actions-%d")
            .minThreads(2)
            .maxThreads(2)
            .build();
    DropwizardResourceConfig config = new DropwizardResourceConfig(environment.metrics());
    config.property(
        org.glassfish.jersey.server.ServerProperties
            .LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED,
        true);
    config.register(new JacksonFeature(environment.getObjectMapper()));
    config.register(new OperatorAuth(new Operators(jdbi)));
    config.register(new OperatorErrors());
    // The one problem+json for everything else, as on the client API: unknown paths and methods,
    // and unexpected failures (a 500 naming a logged incident, or a 503 with the database down).
    config.register(new WebApplicationProblemMapper());
    config.register(new UnexpectedProblemMapper());
    config.register(
        new OperatorResource(new Letters(jdbi), actions, new Pipeline(jdbi), settings, runner));
    environment
        .admin()
        .addServlet("dead-letters", new ServletContainer(config))
        .addMapping("/dead-letters/*");
    // The console: static files only, which hold no data, so they load without a key; the page
    // asks for the key and sends it with every call to /dead-letters.
    environment
        .admin()
        .addServlet(
            "console",
            new AssetServlet(
                CONSOLE_RESOURCES,
                CONSOLE_PATH,
                "index.html",
                java.nio.charset.StandardCharsets.UTF_8))
        .addMapping(CONSOLE_PATH + "/*");

    ScheduledExecutorService retention =
        environment.lifecycle().scheduledExecutorService("dead-letter-retention").build();
    long every = settings.getPruneEvery().toSeconds();
    retention.scheduleWithFixedDelay(
        () -> {
          try {
            long pruned = actions.prune(settings.getRetention().toJavaDuration(), false);
            if (pruned > 0) {
              LOG.info("retention pruned {} resolved or discarded dead letters", pruned);
            }
          } catch (RuntimeException e) {
            LOG.warn("dead-letter retention failed; it runs again in {} s", every, e);
          }
        },
        every,
        every,
        TimeUnit.SECONDS);
  }
}
