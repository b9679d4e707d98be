package dev.tally.core.agg;

import dev.tally.core.agg.Keys.UserDay;
import dev.tally.core.event.Ecommerce;
import dev.tally.core.event.Event;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.store.Store;
import dev.tally.core.time.DayBucketer;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.Map;

/**
 * What completed orders add to the customer items: per person (the event's own uid, as {@link
 * ResolvedEvent#unlinked} gives it) and store-local day, the orders and their revenue in the
 * store's currency by the same rules as the store counters (an order in another currency counts as
 * an order, its amount is not converted). Pure: no I/O, and a sum, so any split of the same events
 * gives the same total.
 */
public final class CustomerOrders {
  private CustomerOrders() {}

  /** Orders completed and their revenue in minor units of the store's currency. */
  public record Purchase(long orders, long revenueMinor) {
    /** The sum of two purchases (saturating like every stored total). */
    public Purchase plus(Purchase o) {
      return new Purchase(Sums.add(orders, o.orders), Sums.add(revenueMinor, o.revenueMinor));
    }
  }

  /** True for the events that make their person a customer: Segment's {@code Order Completed}. */
  public static boolean isOrder(Event e) {
    return e instanceof TrackEvent t && Ecommerce.ORDER_COMPLETED.equals(t.event());
  }

  /** The purchases of these events per (uid, store-local day); other events add nothing. */
  public static Map<UserDay, Purchase> of(Store store, Collection<ResolvedEvent> events) {
    Map<UserDay, Purchase> out = new HashMap<>();
    for (ResolvedEvent r : events) {
      if (isOrder(r.event())) {
        TrackEvent t = (TrackEvent) r.event();
        UserDay key =
            new UserDay(r.uid(), DayBucketer.day(t.header().timestamp(), store.timezone()));
        out.merge(key, new Purchase(1, revenueMinor(t.properties(), store)), Purchase::plus);
      }
    }
    return out;
  }

  /** The order's revenue counted in the store's currency; 0 for an order in another currency. */
  static long revenueMinor(Props p, Store store) {
    Currency currency = OrderMath.currencyOf(p, store.currency());
    return currency.equals(store.currency()) ? OrderMath.revenueMinor(p, currency) : 0;
  }
}
