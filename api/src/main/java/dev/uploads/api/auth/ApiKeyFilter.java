package dev.uploads.api.auth;

import dev.uploads.api.openapi.OpenApiResource;
import dev.uploads.schema.problem.Problem;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Bearer API keys on every client endpoint; a missing or wrong key is a 401 problem. */
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyFilter implements ContainerRequestFilter {
  private final AccountDao accounts;
  private final KnownKeys known;

  public ApiKeyFilter(Jdbi jdbi, KnownKeys known) {
    this.accounts = jdbi.onDemand(AccountDao.class);
    this.known = known;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    if (OpenApiResource.PATHS.contains(request.getUriInfo().getPath())) {
      return; // the API's description is public
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      reject(request, "Send the API key as 'Authorization: Bearer <key>'.");
      return;
    }
    byte[] hash = ApiKeys.hash(header.substring(7).trim());
    Optional<UUID> account = known.get(hash);
    if (account.isEmpty()) {
      account = accounts.findAccountByKeyHash(hash);
      account.ifPresent(id -> known.put(hash, id));
    }
    if (account.isEmpty()) {
      reject(request, "The API key is not valid.");
      return;
    }
    Account principal = new Account(account.get());
    boolean secure = request.getSecurityContext().isSecure();
    request.setSecurityContext(
        new SecurityContext() {
          @Override
          public Principal getUserPrincipal() {
            return principal;
          }

          @Override
          public boolean isUserInRole(String role) {
            return false;
          }

          @Override
          public boolean isSecure() {
            return secure;
          }

          @Override
          public String getAuthenticationScheme() {
            return "Bearer";
          }
        });
  }

  private static void reject(ContainerRequestContext request, String detail) {
    request.abortWith(
        jakarta.ws.rs.core.Response.fromResponse(Problem.response(401, "Unauthorized", detail))
            .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
            .build());
  }
}
