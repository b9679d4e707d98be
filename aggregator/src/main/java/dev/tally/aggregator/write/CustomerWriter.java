package dev.tally.aggregator.write;

import dev.tally.core.agg.CustomerOrders;
import dev.tally.core.agg.CustomerOrders.Purchase;
import dev.tally.core.agg.ResolvedEvent;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.Store;
import dev.tally.core.time.DayBucketer;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The customer items of a chunk's fresh orders: the uid's customer-index item (lifetime orders,
 * revenue and order days) and its item in the day's, week's and month's buyers partitions. Only
 * ADDs (numbers summed, days a set union), made inside the chunk's one atomic write with its marks,
 * so each order counts once whatever the batching, order or redelivery.
 */
final class CustomerWriter {
  private CustomerWriter() {}

  /** Adds the items an order of {@code r} may touch (nothing for other events). */
  static void touched(Store store, ResolvedEvent r, Set<ItemKey> out) {
    if (!CustomerOrders.isOrder(r.event())) {
      return;
    }
    LocalDate day = DayBucketer.day(r.event().header().timestamp(), store.timezone());
    out.add(MetricKeys.customerKey(store.id(), r.uid()));
    for (String pk : MetricKeys.buyersPks(store.id(), day)) {
      out.add(ItemKey.of(pk, MetricKeys.customerSk(r.uid())));
    }
  }

  /** Adds the fresh events' purchases to the updates ({@code update} gives a key's builder). */
  static void add(
      Store store,
      Collection<ResolvedEvent> fresh,
      Function<ItemKey, ItemWrite.Update.Builder> update) {
    CustomerOrders.of(store, fresh)
        .forEach(
            (key, purchase) -> {
              ItemWrite.Update.Builder customer =
                  update.apply(MetricKeys.customerKey(store.id(), key.id()));
              add(customer, purchase);
              customer.addMarks(MetricKeys.ORDER_DAYS, List.of(key.day().toEpochDay()));
              for (String pk : MetricKeys.buyersPks(store.id(), key.day())) {
                add(update.apply(ItemKey.of(pk, MetricKeys.customerSk(key.id()))), purchase);
              }
            });
  }

  private static void add(ItemWrite.Update.Builder u, Purchase p) {
    u.add(MetricKeys.ORDERS_COMPLETED, p.orders());
    if (p.revenueMinor() != 0) {
      u.add(MetricKeys.REVENUE, p.revenueMinor());
    }
  }
}
