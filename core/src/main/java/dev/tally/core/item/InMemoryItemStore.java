package dev.tally.core.item;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/** An {@link ItemStore} in memory: the fake for unit tests, with the engines' semantics. */
public final class InMemoryItemStore implements ItemStore {
  private final NavigableMap<ItemKey, Item> items = new ConcurrentSkipListMap<>();
  private final Clock clock;

  public InMemoryItemStore(Clock clock) {
    this.clock = clock;
  }

  public static InMemoryItemStore create() {
    return new InMemoryItemStore(Clock.systemUTC());
  }

  @Override
  public int maxWritesPerCall() {
    return 100;
  }

  @Override
  public boolean embedded() {
    return true;
  }

  @Override
  public Optional<Item> get(ItemKey key) {
    return Optional.ofNullable(live(items.get(key)));
  }

  @Override
  public Map<ItemKey, Item> getAll(Collection<ItemKey> keys) {
    Map<ItemKey, Item> out = new HashMap<>();
    for (ItemKey k : keys) {
      Item i = live(items.get(k));
      if (i != null) {
        out.put(k, i);
      }
    }
    return out;
  }

  @Override
  public List<Item> query(ItemQuery q) {
    List<Item> out = new ArrayList<>();
    for (Item i :
        items
            .subMap(new ItemKey(q.pk(), ""), true, new ItemKey(q.pk() + "\0", ""), false)
            .values()) {
      if (q.covers(i.key().sk()) && live(i) != null) {
        out.add(i);
        if (q.limit() > 0 && out.size() >= q.limit()) {
          break;
        }
      }
    }
    return out;
  }

  @Override
  public synchronized void write(List<? extends ItemWrite> writes) {
    Writes.check(writes, maxWritesPerCall());
    List<Integer> failed = new ArrayList<>();
    Map<Integer, Item> current = new HashMap<>();
    for (int i = 0; i < writes.size(); i++) {
      Item now = live(items.get(writes.get(i).key()));
      if (!writes.get(i).condition().test(now)) {
        failed.add(i);
        if (now != null) {
          current.put(i, now);
        }
      }
    }
    if (!failed.isEmpty()) {
      throw new ConditionFailedException(failed, current);
    }
    Map<ItemKey, Item> next = new HashMap<>();
    for (ItemWrite w : writes) {
      next.put(w.key(), ItemMath.apply(live(items.get(w.key())), w));
    }
    next.forEach(
        (k, v) -> {
          if (v == null) {
            items.remove(k);
          } else {
            items.put(k, v);
          }
        });
  }

  @Override
  public synchronized void putAll(Collection<Item> batch) {
    for (Item i : batch) {
      items.put(i.key(), i);
    }
  }

  /** Number of stored items, expired ones included (for tests). */
  public int size() {
    return items.size();
  }

  private Item live(Item i) {
    return i == null || ItemMath.expired(i, clock.instant().getEpochSecond()) ? null : i;
  }

  /** Argument checks shared by every engine. */
  public static final class Writes {
    private Writes() {}

    public static void check(List<? extends ItemWrite> writes, int max) {
      if (writes.isEmpty()) {
        throw new IllegalArgumentException("no writes");
      }
      if (writes.size() > max) {
        throw new IllegalArgumentException(writes.size() + " writes in one call; at most " + max);
      }
      Set<ItemKey> keys = new HashSet<>();
      for (ItemWrite w : writes) {
        if (!keys.add(w.key())) {
          throw new IllegalArgumentException("key " + w.key() + " written twice in one call");
        }
      }
    }
  }
}
