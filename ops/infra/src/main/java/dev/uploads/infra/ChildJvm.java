package dev.uploads.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds command lines for child JVMs that run on this JVM's own java binary and classpath. */
public final class ChildJvm {

  private ChildJvm() {}

  public static List<String> command(
      List<String> jvmOptions, Class<?> mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath());
    command.add(mainClass.getName());
    command.addAll(args);
    return command;
  }

  private static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * Under Surefire, java.class.path can be a manifest-only booter jar; the real test classpath is
   * published in surefire.test.class.path.
   */
  private static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }
}
