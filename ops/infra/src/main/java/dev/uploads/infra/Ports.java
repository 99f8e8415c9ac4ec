package dev.uploads.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Picks free local ports for services that must keep a fixed port across restarts. */
public final class Ports {

  private Ports() {}

  /**
   * A port that was free a moment ago on 127.0.0.1. Callers bind it soon after; the small race is
   * accepted because the alternative (letting each service pick its own) breaks restarts.
   */
  public static int free() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
