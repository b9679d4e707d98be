package dev.tally.app.stack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.error.NotFoundException;
import dev.tally.core.error.ValidationException;
import dev.tally.core.event.Json;
import dev.tally.core.item.ItemStore;
import dev.tally.core.regulation.KeptLedger;
import dev.tally.core.store.StoreRegistry;
import dev.tally.http.AdminToken;
import dev.tally.http.ApiError;
import dev.tally.query.DateRange;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code GET /admin/v1/ledger?store=&from=&to=} (admin token): what deleted people's events still
 * count in the store's aggregates, per day and per product, as the regulation job recorded it when
 * it kept them. Counters as stored (money in minor units of the store's currency), so {@code tally
 * verify --api} can take them out before comparing with a copy that no longer has those events.
 */
final class LedgerRoutes {
  private final AdminToken admin;
  private final StoreRegistry stores;
  private final ItemStore metrics;

  LedgerRoutes(AdminToken admin, StoreRegistry stores, ItemStore metrics) {
    this.admin = admin;
    this.stores = stores;
    this.metrics = metrics;
  }

  void register(JavalinConfig config) {
    config.routes.get("/admin/v1/ledger", this::show);
  }

  private void show(Context ctx) {
    try {
      admin.authorize(ctx.header("Authorization"));
      String store = ctx.queryParam("store");
      if (store == null || store.isBlank()) {
        throw new ValidationException("invalid_field", "store is required (a store id)");
      }
      Map<String, String> q = new HashMap<>();
      ctx.queryParamMap().forEach((k, v) -> q.put(k, v.isEmpty() ? null : v.get(0)));
      DateRange range = DateRange.parse(q);
      stores.find(store).orElseThrow(() -> new NotFoundException("no store '" + store + "'"));
      KeptLedger.Range kept = KeptLedger.read(metrics, store, range.from(), range.to());
      ObjectNode out = Json.mapper().createObjectNode();
      out.put("store", store);
      out.put("from", range.from().toString());
      out.put("to", range.to().toString());
      ObjectNode days = out.putObject("days");
      kept.days().forEach((day, counters) -> counters(days.putObject(day.toString()), counters));
      ObjectNode products = out.putObject("products");
      kept.products().forEach((id, counters) -> counters(products.putObject(id), counters));
      ctx.status(200).json(out);
    } catch (RuntimeException e) {
      ApiError err = ApiError.of(e);
      ctx.status(err.status()).json(err.toJson());
    }
  }

  private static void counters(ObjectNode node, Map<String, Long> counters) {
    new java.util.TreeMap<>(counters).forEach(node::put);
  }
}
