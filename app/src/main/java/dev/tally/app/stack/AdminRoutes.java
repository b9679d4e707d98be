package dev.tally.app.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.error.ValidationException;
import dev.tally.core.event.Json;
import dev.tally.core.store.ApiKeys;
import dev.tally.core.store.KeyKind;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoreRegistry;
import dev.tally.http.AdminToken;
import dev.tally.http.ApiError;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /admin/v1/stores}: creates a store and shows its keys once. */
final class AdminRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
  private final StoreRegistry stores;
  private final AdminToken token;

  AdminRoutes(StoreRegistry stores, AdminToken token) {
    this.stores = stores;
    this.token = token;
  }

  void register(JavalinConfig config) {
    config.routes.post("/admin/v1/stores", this::createStore);
  }

  private void createStore(Context ctx) {
    try {
      token.authorize(ctx.header("Authorization"));
      JsonNode body;
      try {
        body = Json.mapper().readTree(ctx.bodyAsBytes());
      } catch (IOException e) {
        throw new ValidationException("malformed_json", "request body is not valid JSON");
      }
      if (body == null || !body.isObject()) {
        throw new ValidationException("malformed_json", "request body must be a JSON object");
      }
      List<String> origins = new ArrayList<>();
      JsonNode o = body.get("allowedOrigins");
      if (o != null && !o.isNull()) {
        if (!o.isArray()) {
          throw new ValidationException(
              "invalid_field", "allowedOrigins must be an array of origins");
        }
        o.forEach(n -> origins.add(n.asText()));
      }
      Store store;
      try {
        store = Store.of(text(body, "id"), text(body, "timezone"), text(body, "currency"), origins);
      } catch (IllegalArgumentException e) {
        throw new ValidationException("invalid_field", e.getMessage());
      }
      String writeKey = ApiKeys.generate(KeyKind.WRITE);
      String readKey = ApiKeys.generate(KeyKind.READ);
      stores.create(store, writeKey, readKey);
      LOG.info("created store {} ({}, {})", store.id(), store.timezone(), store.currency());
      ObjectNode out = Json.mapper().createObjectNode();
      out.put("id", store.id());
      out.put("writeKey", writeKey);
      out.put("readKey", readKey);
      out.put("timezone", store.timezone().getId());
      out.put("currency", store.currency().getCurrencyCode());
      ctx.status(201).json(out);
    } catch (RuntimeException e) {
      ApiError err = ApiError.of(e);
      if (e instanceof ValidationException v && v.code().equals("store_exists")) {
        err = new ApiError(409, v.code(), v.getMessage(), null);
      }
      ctx.status(err.status()).json(err.toJson());
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
