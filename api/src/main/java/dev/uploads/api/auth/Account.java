package dev.uploads.api.auth;

import java.security.Principal;
import java.util.UUID;

/** The client on whose behalf a request runs. */
public record Account(UUID id) implements Principal {
  @Override
  public String getName() {
    return id.toString();
  }
}
