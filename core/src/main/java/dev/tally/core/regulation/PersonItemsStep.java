package dev.tally.core.regulation;

import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.Store;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes the people's own items from the metrics table: every item of {@code {store}#USER#id}
 * (person-days, device-days with their marks, mark pages), their customer-index item and their
 * items in the buyers partitions of every day they ordered on (and that day's week and month), the
 * links partition of user ids, and the alias item of each anonymous id. Store, product and sketch
 * items are not theirs. Idempotent: a deleted item stays deleted, and the suppression list keeps it
 * from coming back.
 */
public final class PersonItemsStep implements DeletionStep {
  public static final String NAME = "delete-person-items";
  private final ItemStore metrics;

  public PersonItemsStep(ItemStore metrics) {
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Outcome run(RegulationState state, Store store) {
    List<ItemKey> keys = new ArrayList<>();
    for (String id : state.ids()) {
      // Customer items first: their days are found from the items deleted after them.
      keys.addAll(customerKeys(store.id(), id));
    }
    for (String id : state.ids()) {
      for (Item i : metrics.query(ItemQuery.partition(MetricKeys.userPk(store.id(), id)))) {
        keys.add(i.key());
      }
      for (Item i : metrics.query(ItemQuery.partition(MetricKeys.linksPk(store.id(), id)))) {
        keys.add(i.key());
      }
      ItemKey alias = LinkedIdsStep.alias(store.id(), id);
      var link = metrics.get(alias);
      if (link.isPresent()) {
        keys.add(alias);
        String user = link.get().str(MetricKeys.USER_ID);
        if (user != null) {
          // The other side of the link, in the partition of a user who may not be a subject.
          keys.add(ItemKey.of(MetricKeys.linksPk(store.id(), user), MetricKeys.linkSk(id)));
        }
      }
    }
    // Events kept as bad (tally dlq) that name them.
    for (Item i : metrics.query(ItemQuery.partition(MetricKeys.badPk(store.id())))) {
      if (mentions(i, state.ids())) {
        keys.add(i.key());
      }
    }
    keys = new ArrayList<>(new java.util.LinkedHashSet<>(keys));
    int per = Math.min(100, metrics.maxWritesPerCall());
    for (int from = 0; from < keys.size(); from += per) {
      List<ItemWrite> writes = new ArrayList<>();
      for (ItemKey k : keys.subList(from, Math.min(keys.size(), from + per))) {
        writes.add(ItemWrite.delete(k, null));
      }
      metrics.write(writes);
    }
    return new Outcome(state, keys.size() + " item(s) deleted");
  }

  /**
   * The person's customer-index item and their items in every buyers partition (day, week, month)
   * of a day they ordered on: the days the index item records, and, should it be gone or garbled,
   * the days their person-day items count an order.
   */
  private List<ItemKey> customerKeys(String store, String id) {
    java.util.Set<java.time.LocalDate> days = new java.util.TreeSet<>();
    ItemKey customer = MetricKeys.customerKey(store, id);
    metrics
        .get(customer)
        .ifPresent(c -> c.marks(MetricKeys.ORDER_DAYS).forEach(d -> days.add(epochDay(d))));
    for (Item i : metrics.query(ItemQuery.partition(MetricKeys.userPk(store, id)))) {
      if (i.key().sk().startsWith(MetricKeys.DAY_PREFIX) && i.has(MetricKeys.ORDERS_COMPLETED)) {
        days.add(MetricKeys.dayOf(i.key().sk()));
      }
    }
    List<ItemKey> out = new ArrayList<>();
    for (java.time.LocalDate d : days) {
      for (String pk : MetricKeys.buyersPks(store, d)) {
        out.add(ItemKey.of(pk, MetricKeys.customerSk(id)));
      }
    }
    out.add(customer);
    return out;
  }

  private static java.time.LocalDate epochDay(long d) {
    // Stored values are not trusted to be in range: a garbled one names no real day.
    return java.time.LocalDate.ofEpochDay(Math.max(-365_000L, Math.min(365_000L * 10, d)));
  }

  /** True when a key or a string value of the item contains one of the ids. */
  public static boolean mentions(Item i, java.util.Collection<String> ids) {
    for (String id : ids) {
      if (i.key().pk().contains(id) || i.key().sk().contains(id)) {
        return true;
      }
      for (var v : i.attrs().values()) {
        if (v instanceof dev.tally.core.item.AttrValue.Str s && s.value().contains(id)) {
          return true;
        }
        if (v instanceof dev.tally.core.item.AttrValue.StrSet ss
            && ss.values().stream().anyMatch(x -> x.contains(id))) {
          return true;
        }
      }
    }
    return false;
  }
}
