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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Anonymous-id → user-id links. The first link of an anonymous id wins (a shared device signs out
 * with {@code reset()}, which starts a new anonymous id). Writing a link is idempotent, so it
 * happens before counting and needs no exactly-once bookkeeping.
 */
final class IdentityLinks {
  private final ItemStore items;

  IdentityLinks(ItemStore items) {
    this.items = items;
  }

  /** Records the links these events carry and returns anonymous id → user id for all of them. */
  Map<String, String> linkAndResolve(String store, List<Event> events, int[] requests) {
    Map<String, String> carried = new LinkedHashMap<>();
    List<String> anonymous = new ArrayList<>();
    for (Event e : events) {
      EventHeader h = e.header();
      if (h.anonymousId() != null && h.userId() != null) {
        carried.putIfAbsent(h.anonymousId(), h.userId());
      }
      if (e instanceof AliasEvent a && !a.previousId().equals(h.userId())) {
        carried.putIfAbsent(a.previousId(), h.userId());
      }
      if (h.anonymousId() != null) {
        anonymous.add(h.anonymousId());
      }
    }
    anonymous.addAll(carried.keySet());
    Map<ItemKey, String> keys = new LinkedHashMap<>();
    for (String anon : anonymous) {
      keys.put(aliasKey(store, anon), anon);
    }
    Map<String, String> resolved = new HashMap<>();
    items
        .getAll(keys.keySet())
        .forEach(
            (key, item) -> {
              String user = item.str(MetricKeys.USER_ID);
              if (user != null) {
                resolved.put(keys.get(key), user);
              }
            });
    for (var link : carried.entrySet()) {
      if (!resolved.containsKey(link.getKey())) {
        resolved.put(link.getKey(), write(store, link.getKey(), link.getValue(), requests));
      }
    }
    return resolved;
  }

  private static ItemKey aliasKey(String store, String anon) {
    return ItemKey.of(MetricKeys.aliasPk(store, anon), MetricKeys.ALIAS_SK);
  }

  /**
   * Writes both directions of a link atomically, so a crash never leaves an alias whose user cannot
   * find it (a retry finds the alias and would not write the other half).
   */
  private String write(String store, String anon, String userId, int[] requests) {
    ItemKey alias = aliasKey(store, anon);
    Item aliasItem = Item.of(alias, Map.of(MetricKeys.USER_ID, AttrValue.str(userId)));
    Item reverse =
        Item.of(ItemKey.of(MetricKeys.linksPk(store, userId), MetricKeys.linkSk(anon)), Map.of());
    requests[0]++;
    try {
      items.write(
          List.of(
              ItemWrite.put(aliasItem, Condition.ABSENT), ItemWrite.put(reverse, Condition.NONE)));
      return userId;
    } catch (ConditionFailedException e) {
      // Linked concurrently: the stored link wins.
      String stored = e.current(0).map(i -> i.str(MetricKeys.USER_ID)).orElse(null);
      if (stored == null) {
        stored = items.get(alias).map(i -> i.str(MetricKeys.USER_ID)).orElse(null);
      }
      if (stored == null) {
        throw new RetryableException(
            "link_conflict", "linking " + anon + " was refused", Duration.ofSeconds(1), e);
      }
      return stored;
    }
  }
}
