package dev.uploads.api.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The client API's OpenAPI 3.1 document ({@code openapi.yaml} on the class path), as YAML and as
 * JSON, to anyone: it describes the API, it grants nothing. {@code OpenApiTest} holds it to the
 * real routes, status codes and problems.
 */
@Path("/v1")
public class OpenApiResource {
  /** The paths served without an API key. */
  public static final Set<String> PATHS = Set.of("v1/openapi.yaml", "v1/openapi.json");

  private final byte[] yaml;
  private final byte[] json;

  public OpenApiResource() {
    try (InputStream in = OpenApiResource.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is not on the class path");
      }
      yaml = in.readAllBytes();
      JsonNode document = new YAMLMapper().readTree(yaml);
      json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
    } catch (IOException e) {
      throw new UncheckedIOException("openapi.yaml does not parse", e);
    }
  }

  /** The document as written. */
  public static String text() {
    return new String(new OpenApiResource().yaml, StandardCharsets.UTF_8);
  }

  @GET
  @Path("openapi.yaml")
  @Produces("application/yaml")
  public Response yaml() {
    return Response.ok(yaml).build();
  }

  @GET
  @Path("openapi.json")
  @Produces("application/json")
  public Response json() {
    return Response.ok(json).build();
  }
}
