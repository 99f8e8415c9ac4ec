package dev.uploads.api.problem;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * A request refused before its body was read whole (too large, not an image, no key) leaves unread
 * bytes on the connection. Saying {@code Connection: close} keeps clients from sending their next
 * request on a connection the server is about to drop.
 */
public class CloseAfterRefusedBody implements ContainerResponseFilter {
  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (response.getStatus() >= 400 && request.hasEntity()) {
      response.getHeaders().putSingle("Connection", "close");
    }
  }
}
