package dev.tally.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.error.NotFoundException;
import dev.tally.core.error.ValidationException;
import dev.tally.core.event.Json;
import dev.tally.core.item.ItemStore;
import dev.tally.core.regulation.KeptLedger;
import dev.tally.core.store.StoreRegistry;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /admin/v1/ledger?store=&from=&to=} (admin token) without a web framework, so the local
 * server and the Lambda answer alike: what deleted people's events still count in the store's
 * aggregates, per day and per product, as the regulation job recorded it when it kept them.
 * Counters as stored (money in minor units of the store's currency), so {@code tally verify --api}
 * can take them out before comparing with a copy that no longer has those events.
 */
public final class LedgerApi {
  /** The endpoint's path. */
  public static final String PATH = "/admin/v1/ledger";

  /** The longest range one call reads (the query API's). */
  public static final int MAX_DAYS = 366;

  private final AdminToken admin;
  private final StoreRegistry stores;
  private final ItemStore metrics;

  public LedgerApi(AdminToken admin, StoreRegistry stores, ItemStore metrics) {
    this.admin = admin;
    this.stores = stores;
    this.metrics = metrics;
  }

  /** Answers one call; {@code query} holds the query parameters (absent ones are null). */
  public RegulationApi.Answer show(String authorization, Map<String, String> query) {
    try {
      admin.authorize(authorization);
      String store = query.get("store");
      if (store == null || store.isBlank()) {
        throw new ValidationException("invalid_field", "store is required (a store id)");
      }
      LocalDate from = day(query, "from");
      LocalDate to = day(query, "to");
      if (from.isAfter(to)) {
        throw new ValidationException(
            "invalid_range", "from (" + from + ") is after to (" + to + ")");
      }
      if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_DAYS) {
        throw new ValidationException(
            "invalid_range", "the range is longer than " + MAX_DAYS + " days");
      }
      stores.find(store).orElseThrow(() -> new NotFoundException("no store '" + store + "'"));
      KeptLedger.Range kept = KeptLedger.read(metrics, store, from, to);
      ObjectNode out = Json.mapper().createObjectNode();
      out.put("store", store);
      out.put("from", from.toString());
      out.put("to", to.toString());
      ObjectNode days = out.putObject("days");
      kept.days().forEach((day, counters) -> counters(days.putObject(day.toString()), counters));
      ObjectNode products = out.putObject("products");
      kept.products().forEach((id, counters) -> counters(products.putObject(id), counters));
      return new RegulationApi.Answer(200, out);
    } catch (RuntimeException e) {
      return RegulationApi.error(e);
    }
  }

  private static LocalDate day(Map<String, String> query, String name) {
    String v = query.get(name);
    if (v == null || v.isBlank()) {
      throw new ValidationException("invalid_range", name + " is required (YYYY-MM-DD)");
    }
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw new ValidationException(
          "invalid_range", name + " '" + v + "' is not a date (YYYY-MM-DD)");
    }
  }

  private static void counters(ObjectNode node, Map<String, Long> counters) {
    new TreeMap<>(counters).forEach(node::put);
  }
}
