package dev.tally.app.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.app.regulation.RegulationRunner;
import dev.tally.core.error.NotFoundException;
import dev.tally.core.error.ValidationException;
import dev.tally.core.event.Json;
import dev.tally.core.regulation.ItemRegulations;
import dev.tally.core.regulation.Regulation;
import dev.tally.core.regulation.RegulationState;
import dev.tally.core.regulation.RegulationType;
import dev.tally.core.regulation.Regulations;
import dev.tally.core.regulation.SubjectType;
import dev.tally.http.ApiError;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /admin/v1/regulations} (Segment's regulation body plus the store) and {@code GET
 * /admin/v1/regulations/{id}} (the status of each step), with the admin token.
 */
final class RegulationRoutes {
  private static final String PREFIX = "/admin/v1/regulations/";
  private final AdminRoutes admin;
  private final RegulationRunner runner;
  private final Regulations regulations;

  RegulationRoutes(AdminRoutes admin, RegulationRunner runner, Regulations regulations) {
    this.admin = admin;
    this.runner = runner;
    this.regulations = regulations;
  }

  void register(JavalinConfig config) {
    config.routes.post("/admin/v1/regulations", this::create);
    config.routes.get("/admin/v1/regulations/<id>", this::show);
  }

  private void create(Context ctx) {
    try {
      admin.authorize(ctx.header("Authorization"));
      JsonNode body;
      try {
        body = Json.mapper().readTree(ctx.bodyAsBytes());
      } catch (IOException e) {
        throw new ValidationException("malformed_json", "request body is not valid JSON");
      }
      if (body == null || !body.isObject()) {
        throw new ValidationException("malformed_json", "request body must be a JSON object");
      }
      String store = body.path("store").asText(null);
      if (store == null || !Regulation.validStoreId(store)) {
        throw new ValidationException("invalid_field", "store is required (a store id)");
      }
      RegulationType type =
          parse(RegulationType.class, body.path("regulationType").asText(""), "regulationType");
      SubjectType subject =
          parse(SubjectType.class, body.path("subjectType").asText(""), "subjectType");
      JsonNode idsNode = body.get("subjectIds");
      if (idsNode == null || !idsNode.isArray()) {
        throw new ValidationException("invalid_field", "subjectIds must be an array of ids");
      }
      List<String> ids = new ArrayList<>();
      for (JsonNode n : idsNode) {
        if (!n.isTextual()) {
          throw new ValidationException("invalid_field", "subjectIds must hold strings");
        }
        ids.add(n.asText());
      }
      Regulation r;
      try {
        r =
            runner
                .job()
                .newRegulation(store, type, subject, ids, body.path("subtract").asBoolean(false));
      } catch (IllegalArgumentException e) {
        throw new ValidationException("invalid_field", e.getMessage());
      }
      RegulationState s = runner.submit(r);
      var out = ItemRegulations.toJson(s);
      out.put("regulateId", r.id());
      ctx.status(202).json(out);
    } catch (RuntimeException e) {
      ApiError err = ApiError.of(e);
      ctx.status(err.status()).json(err.toJson());
    }
  }

  private void show(Context ctx) {
    try {
      admin.authorize(ctx.header("Authorization"));
      String id = ctx.path().substring(PREFIX.length());
      RegulationState s =
          regulations
              .find(id)
              .orElseThrow(() -> new NotFoundException("no regulation '" + id + "'"));
      ctx.status(200).json(ItemRegulations.toJson(s));
    } catch (RuntimeException e) {
      ApiError err = ApiError.of(e);
      ctx.status(err.status()).json(err.toJson());
    }
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value, String field) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        names.add(c.name());
      }
      throw new ValidationException(
          "invalid_field", field + " must be one of " + String.join(", ", names));
    }
  }
}
