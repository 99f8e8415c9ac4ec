package dev.uploads.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on 127.0.0.1 in front of one dependency, to make that dependency fail on demand
 * without touching it: {@link #refuseNext(int)} for a few broken connections, {@link
 * #setDown(boolean)} for an outage. A refused connection is accepted and closed at once, so the
 * client sees an unexpected end of stream rather than "connection refused", as with a server that
 * crashes or a load balancer without healthy backends.
 *
 * <p>{@link #loseNextReplyContaining(String)} is the fault where a write applies but its caller
 * sees a failure: the request reaches the target, and the connection is cut instead of passing on
 * the reply.
 *
 * <p>If the target itself is unreachable, proxied connections are closed the same way.
 */
public final class FlakyTcpProxy implements AutoCloseable {

  /** Beyond this many live connections new ones are closed: a leaking client must not OOM tests. */
  private static final int MAX_CONNECTIONS = 64;

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final String targetHost;
  private final int targetPort;
  private final ServerSocket listener;

  /** Both sockets of every forwarded connection, client side and target side. */
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private final AtomicInteger refuseRemaining = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicReference<byte[]> loseReplyWith = new AtomicReference<>();
  private final AtomicInteger lostReplies = new AtomicInteger();
  private volatile boolean down;

  private FlakyTcpProxy(String targetHost, int targetPort, ServerSocket listener) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.listener = listener;
  }

  /** Starts forwarding a free local port to targetHost:targetPort. */
  public static FlakyTcpProxy start(String targetHost, int targetPort) {
    return start(InetAddress.getLoopbackAddress(), 0, targetHost, targetPort);
  }

  /**
   * Starts forwarding {@code address:port} (0: a free port) to targetHost:targetPort; {@link
   * FaultProxy} runs it in a container of its own, listening on every address.
   */
  public static FlakyTcpProxy start(
      InetAddress address, int port, String targetHost, int targetPort) {
    ServerSocket listener;
    try {
      listener = new ServerSocket(port, 50, address);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + ":" + port, e);
    }
    FlakyTcpProxy proxy = new FlakyTcpProxy(targetHost, targetPort, listener);
    daemon(proxy::acceptLoop, "flaky-proxy-accept-" + listener.getLocalPort()).start();
    return proxy;
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Closes the next N new connections right after accepting them; adds to any still pending. */
  public void refuseNext(int connections) {
    if (connections < 0) {
      throw new IllegalArgumentException("negative connection count: " + connections);
    }
    refuseRemaining.addAndGet(connections);
  }

  /** While down, every new connection is closed at once; open connections are left alone. */
  public void setDown(boolean down) {
    this.down = down;
  }

  /** Cuts all open connections, e.g. to make pooled clients notice an outage set with setDown. */
  public void dropConnections() {
    open.forEach(FlakyTcpProxy::closeQuietly);
  }

  /**
   * The next reply from the target whose bytes contain {@code marker} (read as one chunk, as a
   * small reply is) is not passed on: both sides of its connection are closed instead. For
   * PostgreSQL, {@code "COMMIT\0"} is the tag of the reply to a COMMIT that the server has applied.
   */
  public void loseNextReplyContaining(String marker) {
    loseReplyWith.set(marker.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** How many replies {@link #loseNextReplyContaining} has cut off so far. */
  public int lostReplies() {
    return lostReplies.get();
  }

  /** Every connection accepted since start, including refused ones. */
  public int acceptedConnections() {
    return accepted.get();
  }

  @Override
  public void close() {
    closeQuietly(listener);
    dropConnections();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        // close() closes the listener, which ends accept with an exception: the normal exit.
        return;
      }
      accepted.incrementAndGet();
      if (down || takeRefusal() || open.size() >= 2 * MAX_CONNECTIONS) {
        closeQuietly(client);
      } else {
        open.add(client);
        daemon(() -> forward(client), "flaky-proxy-connect-" + client.getPort()).start();
      }
    }
  }

  private boolean takeRefusal() {
    return refuseRemaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  private void forward(Socket client) {
    Socket target = new Socket();
    open.add(target);
    try {
      // The proxy forwards whatever arrives at once; Nagle would hold back small replies.
      client.setTcpNoDelay(true);
      target.setTcpNoDelay(true);
      target.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      closeBoth(client, target);
      return;
    }
    if (listener.isClosed()) {
      // close() ran while connecting and may have missed these sockets.
      closeBoth(client, target);
      return;
    }
    Thread upstream =
        daemon(() -> pump(client, target, false), "flaky-proxy-up-" + client.getPort());
    upstream.start();
    pump(target, client, true);
    try {
      upstream.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeBoth(client, target);
  }

  /**
   * Copies until end of stream, then half-closes the other side so that request/response protocols
   * that signal "done" with shutdownOutput still work; on errors both sockets are closed.
   */
  private void pump(Socket from, Socket to, boolean replies) {
    try {
      // Not closed here: closing a socket stream closes the socket, and the other direction may
      // still be in use.
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (replies && isReplyToLose(buffer, n)) {
          lostReplies.incrementAndGet();
          closeBoth(from, to);
          return;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeBoth(from, to);
    }
  }

  private boolean isReplyToLose(byte[] buffer, int length) {
    byte[] marker = loseReplyWith.get();
    return marker != null
        && contains(buffer, length, marker)
        && loseReplyWith.compareAndSet(marker, null);
  }

  private static boolean contains(byte[] buffer, int length, byte[] marker) {
    outer:
    for (int i = 0; i + marker.length <= length; i++) {
      for (int j = 0; j < marker.length; j++) {
        if (buffer[i + j] != marker[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private void closeBoth(Socket a, Socket b) {
    closeQuietly(a);
    closeQuietly(b);
    open.remove(a);
    open.remove(b);
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Nothing useful to do: the socket is unusable either way.
    }
  }
}
