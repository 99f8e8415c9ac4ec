package dev.uploads.api.relay;

import dev.uploads.api.ApiConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * {@code relay <config>}: the relay as its own process, with the admin port (metrics, health) but
 * no upload endpoints. Any number may run beside the API's own relays.
 */
public class RelayCommand extends ServerCommand<ApiConfiguration> {
  public RelayCommand(Application<ApiConfiguration> application) {
    super(application, "relay", "Runs only the outbox relay (and the admin port)");
  }

  @Override
  protected void run(
      Bootstrap<ApiConfiguration> bootstrap, Namespace namespace, ApiConfiguration configuration)
      throws Exception {
    configuration.setServeUploads(false);
    configuration.getRelay().setEnabled(true);
    super.run(bootstrap, namespace, configuration);
  }
}
