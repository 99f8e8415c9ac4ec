package dev.uploads.infra;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.FilesystemApiMetadata;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.jclouds.logging.slf4j.config.SLF4JLoggingModule;

/**
 * A real S3-compatible server (S3Proxy) on 127.0.0.1, in this JVM, keeping its objects in a
 * directory (jclouds' filesystem store), so that data survives a restart. It speaks the S3 REST API
 * with SigV4 authentication, multipart uploads included, so the S3 blob store meets here the same
 * protocol it meets in production.
 *
 * <p>{@link #stop()} closes the port (clients get "connection refused", as with a store that is
 * down) and {@link #restart()} opens it again on the same port and data.
 */
public final class LocalS3 implements AutoCloseable {
  public static final String ACCESS_KEY_ID = "local-access-key";
  public static final String SECRET_ACCESS_KEY = "local-secret-key";

  /** S3Proxy accepts any region in a signature; the SDK needs one to sign with. */
  public static final String REGION = "us-east-1";

  private static final String HOST = "127.0.0.1";
  private static final long START_TIMEOUT_MILLIS = 30_000;

  private final int port;
  private final BlobStoreContext context;
  private S3Proxy server;

  private LocalS3(int port, BlobStoreContext context) {
    this.port = port;
    this.context = context;
  }

  /** Starts the server on {@code dataDir}; port 0 picks a free port, which is kept for restarts. */
  public static LocalS3 start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create " + dataDir, e);
    }
    Properties properties = new Properties();
    properties.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dataDir.toString());
    // Built from the API's metadata, not by provider name: a lookup by name would instantiate
    // every provider S3Proxy registers, including those whose libraries are left out.
    BlobStoreContext context =
        ContextBuilder.newBuilder(new FilesystemApiMetadata())
            .overrides(properties)
            .modules(List.of(new SLF4JLoggingModule()))
            .build(BlobStoreContext.class);
    LocalS3 s3 = new LocalS3(port == 0 ? Ports.free() : port, context);
    try {
      s3.launch();
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
    ShutdownOrder.atExit("S3", s3::close);
    return s3;
  }

  /** The endpoint URL clients are configured with (path-style addressing). */
  public String endpoint() {
    return "http://" + HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  /** Creates a bucket unless it exists. */
  public void createBucket(String name) {
    BlobStore store = context.getBlobStore();
    if (!store.containerExists(name)) {
      store.createContainerInLocation(null, name);
    }
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Closes the port: clients get connection refused until {@link #restart()}. Idempotent. */
  public synchronized void stop() {
    if (server != null) {
      try {
        server.stop();
      } catch (Exception e) {
        throw new IllegalStateException("S3Proxy did not stop", e);
      } finally {
        server = null;
      }
    }
  }

  /** Starts serving again on the same port and data. */
  public synchronized void restart() {
    stop();
    launch();
  }

  @Override
  public synchronized void close() {
    stop();
    context.close();
  }

  private synchronized void launch() {
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create(endpoint()))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
            .build();
    try {
      proxy.start();
      long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("S3Proxy not started after 30 s: " + proxy.getState());
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting S3Proxy", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not start on port " + port, e);
    }
    server = proxy;
  }
}
