package dev.uploads.infra;

import org.apache.kafka.metadata.storage.Formatter;

/**
 * Child-JVM entry point that formats KRaft storage, doing what {@code kafka-storage format -t <id>
 * -c server.properties} does for the single static-quorum node that {@link KafkaDataDir}
 * configures.
 *
 * <p>kafka.tools.StorageTool itself is not usable here: it is compiled against argparse4j 0.7.0
 * (its main and execute catch net.sourceforge.argparse4j.internal.HelpScreenException), while the
 * Dropwizard BOM pins argparse4j 0.9.0 on every module's classpath, so the tool dies with
 * NoClassDefFoundError before parsing anything. The broker itself does not use argparse4j.
 */
public final class KafkaStorageFormat {

  private KafkaStorageFormat() {}

  /** Arguments: the log directory (which also holds the metadata log), the cluster id. */
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: KafkaStorageFormat <log-dir> <cluster-id>");
      System.exit(2);
    }
    // The settings StorageTool 4.4 derives from such a config when neither --standalone nor
    // --initial-controllers is given: static voters, so no dynamic quorum.
    new Formatter()
        .setPrintStream(System.out)
        .setNodeId(KafkaDataDir.NODE_ID)
        .setWriteBootstrapSnapshot(true)
        .setClusterId(args[1])
        .setUnstableFeatureVersionsEnabled(false)
        .setIgnoreFormatted(false)
        .setControllerListenerName(KafkaDataDir.CONTROLLER_LISTENER)
        .setMetadataLogDirectory(args[0])
        .setHasDynamicQuorum(false)
        .addDirectory(args[0])
        .run();
    System.exit(0);
  }
}
