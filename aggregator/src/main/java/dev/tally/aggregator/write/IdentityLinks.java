package dev.tally.aggregator.write;

import dev.tally.core.error.RetryableException;
import dev.tally.core.event.AliasEvent;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anonymous-id → user-id links. The first link of an anonymous id wins (a shared device signs out
 * with {@code reset()}, which starts a new anonymous id). Writing a link is idempotent, so it
 * happens before counting and needs no exactly-once bookkeeping.
 *
 * <p>Links never move counts: an event counts under its own ids (the user id when it carries one,
 * else its anonymous id), and a person's figures are the user's items plus those of the anonymous
 * ids linked to it, merged when read. So where an event lands does not depend on whether its link
 * was known when its batch was applied, and any batching of the same events gives the same items.
 */
final class IdentityLinks {
  /** Links per grouped write (two items each). */
  static final int MAX_GROUP = 250;

  private final ItemStore items;

  IdentityLinks(ItemStore items) {
    this.items = items;
  }

  /** Records the links these events carry that are not stored yet. */
  void record(String store, List<Event> events, int[] requests) {
    Map<String, String> carried = new LinkedHashMap<>();
    for (Event e : events) {
      EventHeader h = e.header();
      if (h.anonymousId() != null && h.userId() != null) {
        carried.putIfAbsent(h.anonymousId(), h.userId());
      }
      if (e instanceof AliasEvent a && !a.previousId().equals(h.userId())) {
        carried.putIfAbsent(a.previousId(), h.userId());
      }
    }
    if (carried.isEmpty()) {
      return;
    }
    Map<ItemKey, String> keys = new LinkedHashMap<>();
    for (String anon : carried.keySet()) {
      keys.put(aliasKey(store, anon), anon);
    }
    Set<String> stored = new HashSet<>();
    items.getAll(keys.keySet()).forEach((key, item) -> stored.add(keys.get(key)));
    List<Map.Entry<String, String>> missing = new ArrayList<>();
    for (var link : carried.entrySet()) {
      if (!stored.contains(link.getKey())) {
        missing.add(link);
      }
    }
    if (!items.embedded()) {
      missing.forEach(link -> write(store, link.getKey(), link.getValue(), requests));
      return;
    }
    // One commit for many links; a conflict in a group sends its links one by one.
    int per = Math.max(1, Math.min(MAX_GROUP, items.maxWritesPerCall() / 2));
    for (int from = 0; from < missing.size(); from += per) {
      List<Map.Entry<String, String>> group =
          missing.subList(from, Math.min(missing.size(), from + per));
      List<ItemWrite> writes = new ArrayList<>(2 * group.size());
      for (var link : group) {
        writes.addAll(halves(store, link.getKey(), link.getValue()));
      }
      requests[0]++;
      try {
        items.write(writes);
      } catch (ConditionFailedException e) {
        group.forEach(link -> write(store, link.getKey(), link.getValue(), requests));
      }
    }
  }

  /** The alias (first link wins) and the user's reverse entry of one link. */
  private static List<ItemWrite> halves(String store, String anon, String userId) {
    Item alias = Item.of(aliasKey(store, anon), Map.of(MetricKeys.USER_ID, AttrValue.str(userId)));
    Item reverse =
        Item.of(ItemKey.of(MetricKeys.linksPk(store, userId), MetricKeys.linkSk(anon)), Map.of());
    return List.of(ItemWrite.put(alias, Condition.ABSENT), ItemWrite.put(reverse, Condition.NONE));
  }

  private static ItemKey aliasKey(String store, String anon) {
    return ItemKey.of(MetricKeys.aliasPk(store, anon), MetricKeys.ALIAS_SK);
  }

  /**
   * Writes both directions of a link atomically, so a crash never leaves an alias whose user cannot
   * find it (a retry finds the alias and would not write the other half).
   */
  private void write(String store, String anon, String userId, int[] requests) {
    ItemKey alias = aliasKey(store, anon);
    requests[0]++;
    try {
      items.write(halves(store, anon, userId));
    } catch (ConditionFailedException e) {
      // Linked concurrently: the stored link wins.
      boolean stored = e.current(0).isPresent() || items.get(alias).isPresent();
      if (!stored) {
        throw new RetryableException(
            "link_conflict", "linking " + anon + " was refused", Duration.ofSeconds(1), e);
      }
    }
  }
}
