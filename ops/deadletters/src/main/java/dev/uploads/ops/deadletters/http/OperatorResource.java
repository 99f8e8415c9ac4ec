package dev.uploads.ops.deadletters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.ops.deadletters.ActionRequest;
import dev.uploads.ops.deadletters.ActionStatus;
import dev.uploads.ops.deadletters.Actions;
import dev.uploads.ops.deadletters.AuditTrail;
import dev.uploads.ops.deadletters.DeadLetterSettings;
import dev.uploads.ops.deadletters.LetterFilter;
import dev.uploads.ops.deadletters.Letters;
import dev.uploads.ops.deadletters.OperatorError;
import dev.uploads.ops.deadletters.Operators;
import dev.uploads.ops.deadletters.Pipeline;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator endpoints on the admin port, under {@code /dead-letters}: the same operations, the
 * same validation and the same audit trail as the {@code ops/dead-letters} command line.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class OperatorResource {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorResource.class);
  private static final com.fasterxml.jackson.databind.ObjectMapper READER =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final Letters letters;
  private final Actions actions;
  private final DeadLetterSettings settings;
  private final ExecutorService runner;
  private final Pipeline pipeline;

  public OperatorResource(
      Letters letters,
      Actions actions,
      Pipeline pipeline,
      DeadLetterSettings settings,
      ExecutorService runner) {
    this.letters = letters;
    this.pipeline = pipeline;
    this.actions = actions;
    this.settings = settings;
    this.runner = runner;
  }

  @GET
  public Letters.Page list(
      @QueryParam("id") List<String> ids,
      @QueryParam("job") String job,
      @QueryParam("status") List<String> statuses,
      @QueryParam("fingerprint") String fingerprint,
      @QueryParam("exception") String exception,
      @QueryParam("key") String key,
      @QueryParam("type") String type,
      @QueryParam("since") String since,
      @QueryParam("until") String until,
      @QueryParam("limit") @DefaultValue("50") String limit,
      @QueryParam("before") String before) {
    return letters.list(
        LetterFilter.parse(ids, job, statuses, fingerprint, exception, key, type, since, until),
        number("limit", limit).intValue(),
        before == null ? null : number("before", before));
  }

  @GET
  @Path("summary")
  public Map<String, Object> summary(
      @QueryParam("id") List<String> ids,
      @QueryParam("job") String job,
      @QueryParam("status") List<String> statuses,
      @QueryParam("fingerprint") String fingerprint,
      @QueryParam("exception") String exception,
      @QueryParam("key") String key,
      @QueryParam("type") String type,
      @QueryParam("since") String since,
      @QueryParam("until") String until) {
    return Map.of(
        "groups",
        letters.summary(
            LetterFilter.parse(
                ids, job, statuses, fingerprint, exception, key, type, since, until)));
  }

  @GET
  @Path("{id}")
  public Letters.Detail show(@PathParam("id") String id) {
    return letters.show(number("letter id", id));
  }

  @POST
  @Path("replay")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response replay(String body, @Context ContainerRequestContext context) {
    return act(ActionRequest.Kind.REPLAY, body, context);
  }

  @POST
  @Path("discard")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response discard(String body, @Context ContainerRequestContext context) {
    return act(ActionRequest.Kind.DISCARD, body, context);
  }

  /** The console's overview: letters by job and fingerprint with their trend, and the pipeline. */
  @GET
  @Path("overview")
  public Map<String, Object> overview() {
    LetterFilter all = LetterFilter.all();
    return Map.of(
        "groups", letters.summary(all),
        "trends", letters.trends(all),
        "pipeline", pipeline.health());
  }

  /** Who the presented key belongs to and what it may do. */
  @GET
  @Path("me")
  public Map<String, Object> me(@Context ContainerRequestContext context) {
    Operators.Operator operator = OperatorAuth.operator(context);
    return Map.of(
        "name", operator.name(), "role", operator.role().label(), "may_act", operator.mayAct());
  }

  @GET
  @Path("actions")
  public Map<String, Object> actions(
      @QueryParam("operator") String operator,
      @QueryParam("kind") String kind,
      @QueryParam("status") String status,
      @QueryParam("q") String text,
      @QueryParam("letter") String letter,
      @QueryParam("limit") @DefaultValue("20") String limit) {
    return Map.of(
        "actions",
        actions.list(
            new AuditTrail.Search(
                operator, kind, status, text, letter == null ? null : number("letter", letter)),
            number("limit", limit).intValue()));
  }

  @GET
  @Path("actions/{id}")
  public Actions.Action action(@PathParam("id") String id) {
    return actions.action(number("action id", id));
  }

  @POST
  @Path("actions/{id}/resume")
  public Response resume(
      @PathParam("id") String id, String body, @Context ContainerRequestContext context) {
    Operators.Operator operator = OperatorAuth.actor(context);
    Actions.Action action = actions.action(number("action id", id));
    ActionStatus status = ActionStatus.parse(action.status());
    if (status == ActionStatus.PAUSED) {
      action =
          actions.control(
              action.id(), Actions.Control.RESUME, operator.name(), "http", reason(body));
    } else if (!status.runnable()) {
      throw OperatorError.conflict("action " + action.id() + " is already " + action.status());
    }
    submit(action.id());
    return Response.accepted(action).location(location(action.id())).build();
  }

  @POST
  @Path("actions/{id}/pause")
  public Actions.Action pause(
      @PathParam("id") String id, String body, @Context ContainerRequestContext context) {
    return control(id, Actions.Control.PAUSE, body, context);
  }

  @POST
  @Path("actions/{id}/cancel")
  public Actions.Action cancel(
      @PathParam("id") String id, String body, @Context ContainerRequestContext context) {
    return control(id, Actions.Control.CANCEL, body, context);
  }

  private Actions.Action control(
      String id, Actions.Control control, String body, ContainerRequestContext context) {
    Operators.Operator operator = OperatorAuth.actor(context);
    return actions.control(number("action id", id), control, operator.name(), "http", reason(body));
  }

  /** The optional reason of a pause, resume or cancel: an empty body or {"reason": "..."}. */
  private static String reason(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    JsonNode body;
    try {
      body = READER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw OperatorError.badInput("the body is not JSON: " + e.getOriginalMessage());
    }
    if (!body.isObject()) {
      throw OperatorError.badInput(
          "the body is empty or a JSON object such as {\"reason\": \"...\"}");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("reason")) {
        throw OperatorError.badInput("unknown field '" + name + "'; the only field is reason");
      }
    }
    return text(body, "reason");
  }

  @POST
  @Path("prune")
  public Map<String, Object> prune(
      @QueryParam("older_than") String olderThan, @Context ContainerRequestContext context) {
    OperatorAuth.actor(context);
    Duration age =
        olderThan == null ? settings.getRetention().toJavaDuration() : LetterFilter.age(olderThan);
    if (age == null) {
      throw OperatorError.badInput(
          "older_than is an age such as 30d or 12h, not '" + olderThan + "'");
    }
    return Map.of("pruned", actions.prune(age, false), "older_than_seconds", age.toSeconds());
  }

  private Response act(ActionRequest.Kind kind, String json, ContainerRequestContext context) {
    ActionBody body = ActionBody.read(json);
    ActionRequest request = body.request(kind, settings);
    if (body.isDryRun()) {
      return Response.ok(actions.plan(request)).build();
    }
    String operator = OperatorAuth.actor(context).name();
    Actions.Action started = actions.start(request, operator, "http");
    if (kind == ActionRequest.Kind.DISCARD) {
      return Response.ok(actions.run(started.id(), a -> {})).build();
    }
    submit(started.id());
    return Response.accepted(started).location(location(started.id())).build();
  }

  private void submit(long actionId) {
    runner.execute(
        () -> {
          try {
            actions.run(actionId, a -> {});
          } catch (RuntimeException e) {
            LOG.warn(
                "replay {} stopped; resume it with POST actions/{}/resume", actionId, actionId, e);
          }
        });
  }

  private static URI location(long id) {
    return URI.create("/dead-letters/actions/" + id);
  }

  private static Long number(String name, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (RuntimeException e) {
      throw OperatorError.badInput(name + " is a whole number, not '" + value + "'");
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isValueNode()) {
      throw OperatorError.badInput(field + " is a single value");
    }
    return value.asText();
  }
}
