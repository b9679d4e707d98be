package dev.tally.opensearch.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.agg.OrderMath;
import dev.tally.core.event.AliasEvent;
import dev.tally.core.event.Ecommerce;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.IdentifyEvent;
import dev.tally.core.event.Json;
import dev.tally.core.event.PageEvent;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.store.Store;
import dev.tally.core.time.DayBucketer;
import java.time.LocalDate;
import java.util.Currency;

/**
 * One event as an OpenSearch document: the raw fields, typed, plus the few values Tally derives the
 * same way its aggregator does (the store-local {@code day}, the {@code deviceId}, money in minor
 * units, the product id), so OpenSearch aggregations can be compared with Tally's exactly.
 * Free-form {@code properties}, {@code traits} and {@code context} go into {@code flat_object}
 * fields, which add no mapping per key. See {@code tally-events-template.json} for the field list.
 *
 * @param index the monthly index of the event's store-local day
 * @param id {@code {storeId}:{messageId}}
 * @param day the store-local day
 */
public record EventDocument(String index, String id, LocalDate day, ObjectNode source) {

  /** Builds the document of {@code event}, received for {@code store}. */
  public static EventDocument of(IndexNames names, Store store, Event event) {
    EventHeader h = event.header();
    LocalDate day = DayBucketer.day(h.timestamp(), store.timezone());
    ObjectNode d = Json.mapper().createObjectNode();
    d.put("store", store.id());
    d.put("messageId", h.messageId());
    d.put("type", event.type());
    put(d, "anonymousId", h.anonymousId());
    put(d, "userId", h.userId());
    d.put("deviceId", h.deviceId());
    d.put("timestamp", h.timestamp().toString());
    put(d, "originalTimestamp", h.originalTimestamp());
    put(d, "sentAt", h.sentAt());
    d.put("receivedAt", h.receivedAt().toString());
    d.put("day", day.toString());
    Props context = h.context();
    campaign(d, context);
    if (event instanceof TrackEvent t) {
      d.put("event", t.event());
      track(d, t, store.currency());
      d.set("properties", t.properties().toJson());
    } else if (event instanceof PageEvent p) {
      put(d, "name", p.name());
      page(d, p.properties(), context);
      d.set("properties", p.properties().toJson());
    } else if (event instanceof IdentifyEvent i) {
      d.set("traits", i.traits().toJson());
    } else if (event instanceof AliasEvent a) {
      d.put("previousId", a.previousId());
    }
    if (!context.isEmpty()) {
      d.set("context", context.toJson());
    }
    return new EventDocument(
        names.index(day), IndexNames.documentId(store.id(), h.messageId()), day, d);
  }

  private static void track(ObjectNode d, TrackEvent t, Currency storeCurrency) {
    Props p = t.properties();
    switch (t.event()) {
      case Ecommerce.PRODUCT_VIEWED, Ecommerce.PRODUCT_ADDED, Ecommerce.PRODUCT_REMOVED ->
          put(d, "productId", OrderMath.productId(p));
      case Ecommerce.ORDER_COMPLETED, Ecommerce.ORDER_REFUNDED, Ecommerce.ORDER_CANCELLED -> {
        put(d, "orderId", p.string("order_id").orElse(null));
        Currency currency = OrderMath.currencyOf(p, storeCurrency);
        d.put("currency", currency.getCurrencyCode());
        d.put("revenueMinor", OrderMath.revenueMinor(p, currency));
        if (t.event().equals(Ecommerce.ORDER_COMPLETED)) {
          ArrayNode lines = d.putArray("lines");
          long items = 0;
          for (OrderMath.Line line : OrderMath.lines(p, currency)) {
            ObjectNode l = lines.addObject();
            put(l, "productId", line.productId());
            l.put("quantity", line.quantity());
            l.put("revenueMinor", line.revenueMinor());
            items += line.quantity();
          }
          d.put("items", items);
        }
      }
      case Ecommerce.PRODUCTS_SEARCHED -> put(d, "query", p.string("query").orElse(null));
      default -> {
        // Other events carry nothing typed beyond their name.
      }
    }
  }

  /** The page's path and URL: Segment puts them in properties, browsers also in context.page. */
  private static void page(ObjectNode d, Props properties, Props context) {
    JsonNode ctxPage = context.get("page");
    for (String f : new String[] {"path", "url", "referrer"}) {
      String v = properties.string(f).orElse(null);
      if (v == null && ctxPage != null && ctxPage.path(f).isTextual()) {
        v = ctxPage.path(f).asText();
      }
      put(d, f, v);
    }
  }

  /** UTM values from {@code context.campaign} (Segment's place for them). */
  private static void campaign(ObjectNode d, Props context) {
    JsonNode c = context.get("campaign");
    if (c == null || !c.isObject()) {
      return;
    }
    for (String[] f :
        new String[][] {
          {"source", "utmSource"},
          {"medium", "utmMedium"},
          {"name", "utmCampaign"},
          {"term", "utmTerm"},
          {"content", "utmContent"}
        }) {
      JsonNode v = c.get(f[0]);
      if (v != null && (v.isTextual() || v.isNumber())) {
        d.put(f[1], v.asText());
      }
    }
  }

  private static void put(ObjectNode n, String field, Object value) {
    if (value != null) {
      n.put(field, value.toString());
    }
  }
}
