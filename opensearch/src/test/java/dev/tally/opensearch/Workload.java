package dev.tally.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.AliasEvent;
import dev.tally.core.event.Ecommerce;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.IdentifyEvent;
import dev.tally.core.event.Json;
import dev.tally.core.event.PageEvent;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded shopping workload: visitors with page views (with UTM campaigns), searches, product
 * views, adds and removes, checkouts, orders in the store's currency and sometimes another,
 * refunds, cancellations, custom events, sign-ins (identify) and aliases, spread over whole
 * store-local days and received a little later, as a real storefront sends them.
 */
public final class Workload {
  private static final String[] SOURCES = {"google", "newsletter", "instagram", null};
  private final Random rnd;
  private final String idPrefix;
  private int seq;

  public Workload(long seed, String idPrefix) {
    this.rnd = new Random(seed);
    this.idPrefix = idPrefix;
  }

  /** About {@code visitsPerDay} visits a day from {@code from} for {@code days} days. */
  public List<Event> generate(
      LocalDate from, int days, int visitsPerDay, ZoneId zone, String currency) {
    List<Event> out = new ArrayList<>();
    int devices = Math.max(10, visitsPerDay * days / 3);
    for (int d = 0; d < days; d++) {
      LocalDate day = from.plusDays(d);
      Instant start = day.atStartOfDay(zone).toInstant();
      for (int v = 0; v < visitsPerDay; v++) {
        String anon = "anon-" + rnd.nextInt(devices);
        String user = rnd.nextInt(4) == 0 ? "user-" + anon.substring(5) : null;
        Instant at = start.plusSeconds(rnd.nextInt(86_000));
        visit(out, anon, user, at, currency);
      }
    }
    return out;
  }

  private void visit(List<Event> out, String anon, String user, Instant at, String currency) {
    String source = SOURCES[rnd.nextInt(SOURCES.length)];
    ObjectNode ctx = Json.mapper().createObjectNode();
    if (source != null) {
      ctx.putObject("campaign").put("source", source).put("medium", "cpc").put("name", "winter");
    }
    ctx.putObject("page").put("path", "/").put("url", "https://shop.example/");
    out.add(page(anon, user, at, "/", ctx));
    int steps = rnd.nextInt(6);
    Instant t = at;
    String product = "p-" + rnd.nextInt(40);
    for (int i = 0; i < steps; i++) {
      t = t.plusSeconds(1 + rnd.nextInt(20));
      switch (rnd.nextInt(9)) {
        case 0 ->
            out.add(
                track(
                    anon,
                    user,
                    t,
                    Ecommerce.PRODUCTS_SEARCHED,
                    props().put("query", "blue print")));
        case 1 ->
            out.add(
                track(
                    anon,
                    user,
                    t,
                    Ecommerce.PRODUCT_LIST_VIEWED,
                    props().put("list_id", "prints")));
        case 2, 3 -> out.add(track(anon, user, t, Ecommerce.PRODUCT_VIEWED, product(product)));
        case 4 ->
            out.add(
                track(anon, user, t, Ecommerce.PRODUCT_ADDED, product(product).put("quantity", 1)));
        case 5 -> out.add(track(anon, user, t, Ecommerce.PRODUCT_REMOVED, product(product)));
        case 6 -> out.add(track(anon, user, t, Ecommerce.CART_VIEWED, props()));
        case 7 ->
            out.add(track(anon, user, t, "Newsletter Signed Up", props().put("list", "weekly")));
        default -> {
          out.add(
              track(
                  anon, user, t, Ecommerce.CHECKOUT_STARTED, props().put("order_id", "o-" + seq)));
          t = t.plusSeconds(5);
          out.add(track(anon, user, t, Ecommerce.ORDER_COMPLETED, order(product, currency)));
          if (rnd.nextInt(5) == 0) {
            String kind = rnd.nextBoolean() ? Ecommerce.ORDER_REFUNDED : Ecommerce.ORDER_CANCELLED;
            out.add(
                track(
                    anon,
                    user,
                    t.plusSeconds(30),
                    kind,
                    props().put("order_id", "o-" + seq).put("total", new BigDecimal("12.50"))));
          }
        }
      }
    }
    if (user != null && rnd.nextInt(3) == 0) {
      out.add(
          new IdentifyEvent(
              header(anon, user, t.plusSeconds(1), null), Props.of(props().put("plan", "free"))));
    }
    if (user != null && rnd.nextInt(10) == 0) {
      out.add(new AliasEvent(header(null, user, t.plusSeconds(2), null), "old-" + anon));
    }
  }

  private ObjectNode order(String product, String storeCurrency) {
    ObjectNode p = props().put("order_id", "o-" + seq);
    if (rnd.nextInt(10) == 0) {
      p.put("currency", storeCurrency.equals("USD") ? "EUR" : "USD");
    }
    ArrayNode lines = p.putArray("products");
    int n = 1 + rnd.nextInt(3);
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 0; i < n; i++) {
      String id = i == 0 ? product : "p-" + rnd.nextInt(40);
      int qty = 1 + rnd.nextInt(3);
      BigDecimal price = new BigDecimal(5 + rnd.nextInt(50)).add(new BigDecimal("0.99"));
      lines.addObject().put("product_id", id).put("quantity", qty).put("price", price);
      total = total.add(price.multiply(BigDecimal.valueOf(qty)));
    }
    if (rnd.nextBoolean()) {
      p.put("revenue", total);
    }
    return p;
  }

  private static ObjectNode product(String id) {
    return props()
        .put("product_id", id)
        .put("price", new BigDecimal("19.99"))
        .put("name", "Print " + id);
  }

  private static ObjectNode props() {
    return Json.mapper().createObjectNode();
  }

  public TrackEvent track(
      String anon, String user, Instant at, String name, ObjectNode properties) {
    return new TrackEvent(header(anon, user, at, null), name, Props.of(properties));
  }

  public PageEvent page(String anon, String user, Instant at, String path, ObjectNode context) {
    return new PageEvent(
        header(anon, user, at, context), "Home", Props.of(props().put("path", path)));
  }

  public EventHeader header(String anon, String user, Instant at, ObjectNode context) {
    Instant received = at.plus(Duration.ofMillis(50 + rnd.nextInt(2000)));
    return new EventHeader(
        idPrefix + "-" + (++seq),
        anon,
        user,
        at,
        at,
        received,
        received,
        context == null ? null : Props.of(context));
  }
}
