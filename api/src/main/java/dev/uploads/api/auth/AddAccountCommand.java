package dev.uploads.api.auth;

import dev.uploads.api.ApiConfiguration;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jdbi3.JdbiFactory;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code add-account --email a@b <config>}: creates an account and prints its API key once. */
public class AddAccountCommand extends ConfiguredCommand<ApiConfiguration> {
  public AddAccountCommand() {
    super("add-account", "Creates a client account and prints its API key (shown only once)");
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser.addArgument("--email").required(true).help("where the account's mail goes");
  }

  @Override
  protected void run(
      Bootstrap<ApiConfiguration> bootstrap, Namespace namespace, ApiConfiguration configuration) {
    Environment environment =
        new Environment(
            bootstrap.getApplication().getName(),
            bootstrap.getObjectMapper(),
            bootstrap.getValidatorFactory(),
            bootstrap.getMetricRegistry(),
            bootstrap.getClassLoader(),
            bootstrap.getHealthCheckRegistry(),
            configuration);
    var jdbi = new JdbiFactory().build(environment, configuration.getDatabase(), "postgresql");
    Accounts.NewAccount account = Accounts.create(jdbi, namespace.getString("email"));
    System.out.println("account " + account.id());
    System.out.println("api key " + account.apiKey());
  }
}
