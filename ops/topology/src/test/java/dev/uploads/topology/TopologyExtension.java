package dev.uploads.topology;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One topology for the whole test run, started by the first scenario that asks for it and closed by
 * JUnit when the run ends (an AutoCloseable in the root store); a JVM shutdown hook closes it too
 * when the run is cut short. When a scenario fails, every container's log goes to
 * target/topology-logs/.
 */
final class TopologyExtension implements ParameterResolver, TestWatcher {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TopologyExtension.class);

  private static Topology topology(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Topology.class, type -> Topology.start(), Topology.class);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Topology.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return topology(context);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Topology topology = context.getRoot().getStore(NAMESPACE).get(Topology.class, Topology.class);
    if (topology != null) {
      topology.dumpLogs(
          context.getRequiredTestClass().getSimpleName()
              + "-"
              + context.getRequiredTestMethod().getName());
    }
  }
}
