package dev.tally.core.agg;

import dev.tally.core.agg.Keys.Link;
import dev.tally.core.agg.Keys.ProductDay;
import dev.tally.core.agg.Keys.ShardDay;
import dev.tally.core.agg.Keys.UserDay;
import dev.tally.core.event.AliasEvent;
import dev.tally.core.event.Ecommerce;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.PageEvent;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.store.Store;
import dev.tally.core.time.DayBucketer;
import java.time.LocalDate;
import java.util.Currency;
import java.util.EnumSet;
import java.util.List;

/**
 * The aggregation function: a pure, deterministic map from events to {@link Deltas}. Adapters (the
 * SQS/Kinesis aggregator, a Flink job) call it unchanged and only decide how to store the result.
 */
public final class Aggregation {
  private final Store store;
  private final int shards;

  /**
   * @param shards how many write shards each store-day is spread over (at least 1)
   */
  public Aggregation(Store store, int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1");
    }
    this.store = store;
    this.shards = shards;
  }

  public Deltas aggregate(List<ResolvedEvent> events) {
    Deltas d = new Deltas();
    for (ResolvedEvent r : events) {
      add(d, r);
    }
    return d;
  }

  private void add(Deltas d, ResolvedEvent r) {
    Event e = r.event();
    EventHeader h = e.header();
    if (h.anonymousId() != null && h.userId() != null) {
      d.addLink(new Link(h.anonymousId(), h.userId()));
    }
    if (e instanceof AliasEvent a && !a.previousId().equals(h.userId())) {
      d.addLink(new Link(a.previousId(), h.userId()));
    }
    if (!e.isActivity()) {
      return;
    }
    LocalDate day = DayBucketer.day(h.timestamp(), store.timezone());
    Counts<Counter> c = Counts.zero(Counter.class);
    EnumSet<FunnelStep> steps = EnumSet.of(FunnelStep.VISITED);
    c.add(Counter.EVENTS, 1);
    if (e instanceof PageEvent) {
      c.add(Counter.PAGE_VIEWS, 1);
    } else if (e instanceof TrackEvent t) {
      track(d, t, day, c, steps);
    }
    d.addUser(new UserDay(r.uid(), day), new UserActivity(c, h.timestamp(), h.timestamp()));
    d.addStore(new ShardDay(day, Keys.shardOf(r.uid(), shards)), c);
    d.addSteps(new UserDay(h.deviceId(), day), steps);
  }

  private void track(
      Deltas d, TrackEvent t, LocalDate day, Counts<Counter> c, EnumSet<FunnelStep> steps) {
    Props p = t.properties();
    switch (t.event()) {
      case Ecommerce.PRODUCTS_SEARCHED -> c.add(Counter.SEARCHES, 1);
      case Ecommerce.PRODUCT_LIST_VIEWED -> c.add(Counter.PRODUCT_LIST_VIEWS, 1);
      case Ecommerce.PRODUCT_VIEWED -> {
        c.add(Counter.PRODUCT_VIEWS, 1);
        steps.add(FunnelStep.VIEWED_PRODUCT);
        product(d, p, day, ProductCounter.VIEWS);
      }
      case Ecommerce.PRODUCT_ADDED -> {
        c.add(Counter.PRODUCTS_ADDED, 1);
        steps.add(FunnelStep.ADDED_TO_CART);
        product(d, p, day, ProductCounter.ADDS);
      }
      case Ecommerce.PRODUCT_REMOVED -> {
        c.add(Counter.PRODUCTS_REMOVED, 1);
        product(d, p, day, ProductCounter.REMOVES);
      }
      case Ecommerce.CART_VIEWED -> c.add(Counter.CART_VIEWS, 1);
      case Ecommerce.CHECKOUT_STARTED -> {
        c.add(Counter.CHECKOUTS_STARTED, 1);
        steps.add(FunnelStep.STARTED_CHECKOUT);
      }
      case Ecommerce.ORDER_COMPLETED -> {
        c.add(Counter.ORDERS_COMPLETED, 1);
        steps.add(FunnelStep.COMPLETED_ORDER);
        order(d, p, day, c);
      }
      case Ecommerce.ORDER_REFUNDED -> {
        c.add(Counter.ORDERS_REFUNDED, 1);
        refund(p, c);
      }
      case Ecommerce.ORDER_CANCELLED -> {
        c.add(Counter.ORDERS_CANCELLED, 1);
        refund(p, c);
      }
      default -> c.add(Counter.CUSTOM_EVENTS, 1);
    }
  }

  private void order(Deltas d, Props p, LocalDate day, Counts<Counter> c) {
    Currency currency = OrderMath.currencyOf(p, store.currency());
    boolean sameCurrency = currency.equals(store.currency());
    for (OrderMath.Line line : OrderMath.lines(p, currency)) {
      c.add(Counter.ITEMS_PURCHASED, line.quantity());
      if (line.productId() != null) {
        Counts<ProductCounter> pc = Counts.zero(ProductCounter.class);
        pc.add(ProductCounter.UNITS, line.quantity());
        if (sameCurrency) {
          pc.add(ProductCounter.REVENUE, line.revenueMinor());
        }
        d.addProduct(new ProductDay(line.productId(), day), pc);
      }
    }
    if (sameCurrency) {
      c.add(Counter.REVENUE, OrderMath.revenueMinor(p, currency));
    } else {
      c.add(Counter.UNCONVERTED_ORDERS, 1);
    }
  }

  private void refund(Props p, Counts<Counter> c) {
    Currency currency = OrderMath.currencyOf(p, store.currency());
    // A refund in another currency is counted in ordersRefunded but its amount is not converted.
    if (currency.equals(store.currency())) {
      c.add(Counter.REFUNDS, OrderMath.revenueMinor(p, currency));
    }
  }

  private static void product(Deltas d, Props p, LocalDate day, ProductCounter counter) {
    String id = OrderMath.productId(p);
    if (id != null) {
      Counts<ProductCounter> pc = Counts.zero(ProductCounter.class);
      pc.add(counter, 1);
      d.addProduct(new ProductDay(id, day), pc);
    }
  }
}
