package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploads.api.openapi.OpenApiResource;
import dev.uploads.api.problem.ApiProblem;
import java.lang.reflect.Constructor;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against the running API: its paths and methods are exactly the routes Jersey
 * serves, every response a request gets is a status the document lists for that operation (a
 * problem with the title the document gives it), and every problem the code can answer with is in
 * the document.
 */
class OpenApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestApi api;
  private static String key;
  private static JsonNode document;

  @BeforeAll
  static void start() throws Exception {
    api = TestApi.start(true);
    key = api.newApiKey();
    HttpResponse<String> served =
        api.send(HttpRequest.newBuilder(api.uri("/v1/openapi.json")).build());
    assertEquals(200, served.statusCode(), "served without a key: " + served.body());
    document = JSON.readTree(served.body());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void theDocumentIsOpenApi31AndServedAsWritten() throws Exception {
    assertEquals("3.1.0", document.get("openapi").asText());
    HttpResponse<String> yaml =
        api.send(HttpRequest.newBuilder(api.uri("/v1/openapi.yaml")).build());
    assertEquals(200, yaml.statusCode());
    assertEquals(OpenApiResource.text(), yaml.body());
  }

  @Test
  void itsOperationsAreExactlyTheRoutesTheApiServes() {
    Set<String> served = new TreeSet<>();
    for (Class<?> type : api.resourceClasses()) {
      if (type == OpenApiResource.class || !Resource.isAcceptable(type)) {
        continue;
      }
      Resource resource = Resource.from(type);
      if (resource == null) {
        continue;
      }
      collect(resource, "", served);
    }
    Set<String> documented = new TreeSet<>();
    document
        .get("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + path.getKey())));
    assertTrue(served.size() >= 5, "routes found: " + served);
    assertEquals(served, documented);
  }

  private static void collect(Resource resource, String parent, Set<String> into) {
    String path = join(parent, resource.getPath());
    for (ResourceMethod method : resource.getResourceMethods()) {
      into.add(method.getHttpMethod() + " " + path);
    }
    for (Resource child : resource.getChildResources()) {
      collect(child, path, into);
    }
  }

  private static String join(String parent, String path) {
    String p = path == null ? "" : path.replaceAll("^/+|/+$", "");
    return p.isEmpty() ? parent : parent + "/" + p;
  }

  @Test
  void everyAnswerIsAStatusAndProblemTheDocumentLists() throws Exception {
    String id = JSON.readTree(api.postImage(key, Images.jpeg()).body()).get("id").asText();
    String reused = "reused-" + UUID.randomUUID();
    api.send(upload(Multipart.body("a.jpg", "image/jpeg", Images.jpeg()), reused, key));
    List<Call> calls =
        List.of(
            new Call(
                "createUpload",
                upload(Multipart.body("b.png", "image/png", Images.png()), null, key)),
            new Call("createUpload", upload("--not a multipart body".getBytes(), null, key)),
            new Call(
                "createUpload",
                upload(Multipart.body("c.png", "image/png", "text".getBytes()), null, key)),
            new Call(
                "createUpload",
                upload(Multipart.body("d.png", "image/png", Images.png()), reused, key)),
            new Call(
                "createUpload",
                upload(Multipart.body("e.jpg", "image/jpeg", Images.jpeg()), null, "wrong")),
            new Call("listUploads", get("/v1/uploads?limit=5", key)),
            new Call("listUploads", get("/v1/uploads?limit=0", key)),
            new Call("listUploads", get("/v1/uploads", null)),
            new Call("getUpload", get("/v1/uploads/" + id, key)),
            new Call("getUpload", get("/v1/uploads/" + UUID.randomUUID(), key)),
            new Call("getUpload", get("/v1/uploads/" + id, "wrong")),
            new Call("getThumbnail", get("/v1/uploads/" + id + "/thumbnails/128", key)),
            new Call("getThumbnail", get("/v1/uploads/" + id + "/thumbnails/128", null)),
            new Call("getStats", get("/v1/stats", key)),
            new Call("getStats", get("/v1/stats", "wrong")));
    Set<Integer> seen = new TreeSet<>();
    for (Call call : calls) {
      HttpResponse<String> response = api.send(call.request());
      int status = response.statusCode();
      seen.add(status);
      JsonNode documented =
          operation(call.operationId()).get("responses").get(Integer.toString(status));
      assertTrue(
          documented != null,
          call.operationId()
              + " answered "
              + status
              + ", which it does not list: "
              + response.body());
      documented = resolve(documented);
      if (status >= 400) {
        assertEquals(
            "application/problem+json",
            response.headers().firstValue("Content-Type").orElseThrow(),
            call.operationId() + " " + status);
        JsonNode problem = JSON.readTree(response.body());
        JsonNode example = documented.at("/content/application~1problem+json/example");
        assertEquals(example.get("title").asText(), problem.get("title").asText());
        assertEquals(status, problem.get("status").asInt());
        assertEquals("about:blank", problem.get("type").asText());
      } else {
        JsonNode schema = resolve(documented.at("/content/application~1json/schema"));
        JsonNode body = JSON.readTree(response.body());
        schema
            .get("required")
            .forEach(field -> assertTrue(body.has(field.asText()), call + ": " + field));
      }
    }
    assertEquals(Set.of(200, 202, 400, 401, 404, 415, 422), seen, "the statuses these calls cover");
  }

  @Test
  void everyProblemTheCodeCanAnswerIsDocumented() throws Exception {
    Map<Integer, String> documented = new java.util.HashMap<>();
    document
        .get("components")
        .get("responses")
        .forEach(
            r -> {
              JsonNode example = r.at("/content/application~1problem+json/example");
              documented.put(example.get("status").asInt(), example.get("title").asText());
            });
    List<String> missing = new ArrayList<>();
    Set<Class<?>> problems = new HashSet<>(List.of(ApiProblem.class.getDeclaredClasses()));
    assertTrue(problems.size() >= 8, "problems found: " + problems);
    for (Class<?> type : problems) {
      ApiProblem problem = instance(type);
      if (problem.status() == 499) {
        continue; // the client has gone; nobody receives it
      }
      if (!problem.title().equals(documented.get(problem.status()))) {
        missing.add(problem.status() + " " + problem.title());
      }
    }
    // Built outside ApiProblem: the key filter's refusal, the unexpected and the unreachable.
    for (var built :
        Map.of(401, "Unauthorized", 500, "Internal error", 503, "Service unavailable").entrySet()) {
      if (!built.getValue().equals(documented.get(built.getKey()))) {
        missing.add(built.getKey() + " " + built.getValue());
      }
    }
    assertEquals(List.of(), missing, "problems the document does not list");
  }

  private static ApiProblem instance(Class<?> type) throws Exception {
    for (Constructor<?> c : type.getConstructors()) {
      Object[] args = new Object[c.getParameterCount()];
      java.util.Arrays.fill(args, "detail");
      return (ApiProblem) c.newInstance(args);
    }
    throw new IllegalStateException(type + " has no public constructor");
  }

  private static JsonNode operation(String operationId) {
    for (JsonNode path : document.get("paths")) {
      for (JsonNode operation : path) {
        if (operationId.equals(operation.path("operationId").asText())) {
          return operation;
        }
      }
    }
    throw new AssertionError("no operation " + operationId);
  }

  private static JsonNode resolve(JsonNode node) {
    JsonNode ref = node.get("$ref");
    return ref == null ? node : document.at(ref.asText().substring(1));
  }

  private record Call(String operationId, HttpRequest request) {}

  private static HttpRequest upload(byte[] body, String idempotencyKey, String apiKey) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(api.uri("/v1/uploads"))
            .header("Content-Type", "multipart/form-data; boundary=" + Multipart.BOUNDARY)
            .header("Authorization", "Bearer " + apiKey)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return b.build();
  }

  private static HttpRequest get(String path, String apiKey) {
    HttpRequest.Builder b = HttpRequest.newBuilder(api.uri(path));
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return b.build();
  }
}
