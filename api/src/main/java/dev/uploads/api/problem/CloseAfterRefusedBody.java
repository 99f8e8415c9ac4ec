package dev.uploads.api.problem;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * A request refused before its body was read whole (too large, not an image, no key, the client
 * stalled) leaves unread bytes on the connection. Saying {@code Connection: close} keeps clients
 * from sending their next request on a connection the server is about to drop. Any error answer to
 * a request that declared a body says so: one reconnect after an error costs less than reading the
 * rest of an unwanted body to find out.
 */
public class CloseAfterRefusedBody implements ContainerResponseFilter {
  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (response.getStatus() >= 400 && declaresBody(request)) {
      response.getHeaders().putSingle("Connection", "close");
    }
  }

  /**
   * Judged from the headers, not {@code request.hasEntity()}: that peeks by reading the body, which
   * waits on a client that stopped sending and throws on one that went away.
   */
  private static boolean declaresBody(ContainerRequestContext request) {
    return request.getLength() > 0 || request.getHeaderString("Transfer-Encoding") != null;
  }
}
