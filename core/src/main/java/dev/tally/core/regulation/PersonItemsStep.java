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
 * (person-days, device-days with their marks, mark pages), the links partition of user ids, and the
 * alias item of each anonymous id. Store, product and sketch items are not theirs. Idempotent: a
 * deleted item stays deleted, and the suppression list keeps it from coming back.
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
