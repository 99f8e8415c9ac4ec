package dev.uploads.infra;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * {@link FlakyTcpProxy} as a process of its own, for a container between a service and its
 * dependency (the topology's chaos runs put one between an API replica and PostgreSQL), steered
 * over HTTP on a second port:
 *
 * <ul>
 *   <li>{@code POST /lose-next-reply} with the marker as the body (ISO-8859-1): the next reply that
 *       contains it is cut off, see {@link FlakyTcpProxy#loseNextReplyContaining};
 *   <li>{@code GET /}: {@code {"lostReplies":N,"acceptedConnections":N}}.
 * </ul>
 *
 * <p>Usage: {@code FaultProxy LISTEN_PORT TARGET_HOST TARGET_PORT CONTROL_PORT}.
 */
public final class FaultProxy implements AutoCloseable {
  private final FlakyTcpProxy proxy;
  private final HttpServer control;

  private FaultProxy(FlakyTcpProxy proxy, HttpServer control) {
    this.proxy = proxy;
    this.control = control;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: FaultProxy LISTEN_PORT TARGET_HOST TARGET_PORT CONTROL_PORT");
      System.exit(2);
    }
    FaultProxy running =
        start(
            InetAddress.getByName("0.0.0.0"),
            Integer.parseInt(args[0]),
            args[1],
            Integer.parseInt(args[2]),
            Integer.parseInt(args[3]));
    System.out.printf(
        "fault proxy: :%s -> %s:%s, control on :%s%n", args[0], args[1], args[2], args[3]);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  stopped.countDown();
                }));
    stopped.await();
  }

  /** Forwards address:listenPort to target and serves the control API on address:controlPort. */
  static FaultProxy start(
      InetAddress address, int listenPort, String targetHost, int targetPort, int controlPort)
      throws IOException {
    FlakyTcpProxy proxy = FlakyTcpProxy.start(address, listenPort, targetHost, targetPort);
    HttpServer control = HttpServer.create(new InetSocketAddress(address, controlPort), 8);
    control.createContext(
        "/lose-next-reply",
        exchange -> {
          if (post(exchange)) {
            String marker =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1);
            if (marker.isEmpty()) {
              answer(exchange, 400, "{\"error\":\"the body is the marker, and it is empty\"}");
            } else {
              proxy.loseNextReplyContaining(marker);
              answer(exchange, 202, "{}");
            }
          }
        });
    control.createContext(
        "/",
        exchange ->
            answer(
                exchange,
                exchange.getRequestURI().getPath().equals("/") ? 200 : 404,
                "{\"lostReplies\":%d,\"acceptedConnections\":%d}"
                    .formatted(proxy.lostReplies(), proxy.acceptedConnections())));
    control.start();
    return new FaultProxy(proxy, control);
  }

  int port() {
    return proxy.port();
  }

  int controlPort() {
    return control.getAddress().getPort();
  }

  @Override
  public void close() {
    control.stop(0);
    proxy.close();
  }

  private static boolean post(HttpExchange exchange) throws IOException {
    if (exchange.getRequestMethod().equals("POST")) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "POST");
    answer(exchange, 405, "{\"error\":\"POST only\"}");
    return false;
  }

  private static void answer(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
