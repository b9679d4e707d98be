package dev.tally.core.regulation;

import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.Store;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Adds to a regulation's ids every anonymous id linked to its user ids ({@code {store}#LINKS#uid});
 * for an anonymous id it adds nothing (the user it links to is another person's subject).
 */
public final class LinkedIdsStep implements DeletionStep {
  private final ItemStore metrics;

  public LinkedIdsStep(ItemStore metrics) {
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return RegulationJob.LINKS;
  }

  @Override
  public Outcome run(RegulationState state, Store store) {
    if (state.regulation().subjectType() != SubjectType.USER_ID) {
      return new Outcome(state, "anonymous ids: nothing to resolve");
    }
    Set<String> linked = new LinkedHashSet<>();
    for (String uid : state.regulation().subjectIds()) {
      linked.addAll(linkedAnonymousIds(metrics, store.id(), uid));
    }
    return new Outcome(state.withIds(linked), linked.size() + " linked anonymous id(s) added");
  }

  /** The anonymous ids linked to a user id. */
  public static Set<String> linkedAnonymousIds(ItemStore metrics, String store, String uid) {
    Set<String> out = new LinkedHashSet<>();
    for (Item i : metrics.query(ItemQuery.partition(MetricKeys.linksPk(store, uid)))) {
      String sk = i.key().sk();
      if (sk.startsWith("ANON#")) {
        out.add(sk.substring("ANON#".length()));
      }
    }
    return out;
  }

  static ItemKey alias(String store, String anonymousId) {
    return ItemKey.of(MetricKeys.aliasPk(store, anonymousId), MetricKeys.ALIAS_SK);
  }
}
