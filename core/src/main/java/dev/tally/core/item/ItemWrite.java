package dev.tally.core.item;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One write of an atomic {@link ItemStore#write} call. Each key appears at most once per call. */
public sealed interface ItemWrite {
  ItemKey key();

  Condition condition();

  static Update.Builder update(ItemKey key) {
    return new Update.Builder(key);
  }

  static Put put(Item item, Condition condition) {
    return new Put(item, condition);
  }

  static Delete delete(ItemKey key, Condition condition) {
    return new Delete(key, condition);
  }

  /**
   * Changes some attributes of an item, creating it when absent: numbers are added to (absent
   * counts as 0), values set, marks added to sets, attributes removed.
   */
  record Update(
      ItemKey key,
      Map<String, Long> add,
      Map<String, AttrValue> set,
      Map<String, Set<Long>> addMarks,
      Set<String> remove,
      Condition condition)
      implements ItemWrite {
    public Update {
      add = Collections.unmodifiableMap(new LinkedHashMap<>(add));
      set = Collections.unmodifiableMap(new LinkedHashMap<>(set));
      Map<String, Set<Long>> marks = new LinkedHashMap<>();
      addMarks.forEach(
          (k, v) -> {
            if (!v.isEmpty()) {
              marks.put(k, Collections.unmodifiableSet(new TreeSet<>(v)));
            }
          });
      addMarks = Collections.unmodifiableMap(marks);
      remove = Collections.unmodifiableSet(new LinkedHashSet<>(remove));
      condition = condition == null ? Condition.NONE : condition;
      for (String a : set.keySet()) {
        if (add.containsKey(a) || addMarks.containsKey(a) || remove.contains(a)) {
          throw new IllegalArgumentException("attribute " + a + " is changed twice");
        }
      }
      for (String a : add.keySet()) {
        if (addMarks.containsKey(a) || remove.contains(a)) {
          throw new IllegalArgumentException("attribute " + a + " is changed twice");
        }
      }
    }

    /** True when the update changes nothing and guards nothing. */
    public boolean isEmpty() {
      return add.isEmpty()
          && set.isEmpty()
          && addMarks.isEmpty()
          && remove.isEmpty()
          && condition instanceof Condition.None;
    }

    /** Collects an update; adds to the same counter are summed. */
    public static final class Builder {
      private final ItemKey key;
      private final Map<String, Long> add = new LinkedHashMap<>();
      private final Map<String, AttrValue> set = new LinkedHashMap<>();
      private final Map<String, Set<Long>> marks = new LinkedHashMap<>();
      private final Set<String> remove = new LinkedHashSet<>();
      private Condition condition = Condition.NONE;

      Builder(ItemKey key) {
        this.key = key;
      }

      public ItemKey key() {
        return key;
      }

      public Builder add(String attr, long amount) {
        if (amount != 0) {
          add.merge(attr, amount, Math::addExact);
        }
        return this;
      }

      public Builder set(String attr, AttrValue value) {
        set.put(attr, value);
        return this;
      }

      public Builder addMarks(String attr, Collection<Long> values) {
        if (!values.isEmpty()) {
          marks.computeIfAbsent(attr, k -> new TreeSet<>()).addAll(values);
        }
        return this;
      }

      public Builder remove(String attr) {
        remove.add(attr);
        return this;
      }

      public Builder when(Condition c) {
        this.condition = c;
        return this;
      }

      public boolean isEmpty() {
        return add.isEmpty()
            && set.isEmpty()
            && marks.isEmpty()
            && remove.isEmpty()
            && condition instanceof Condition.None;
      }

      public Update build() {
        return new Update(key, add, set, marks, remove, condition);
      }
    }
  }

  /** Replaces the whole item. */
  record Put(Item item, Condition condition) implements ItemWrite {
    public Put {
      condition = condition == null ? Condition.NONE : condition;
    }

    @Override
    public ItemKey key() {
      return item.key();
    }
  }

  /** Deletes the item (a no-op when absent, unless the condition says otherwise). */
  record Delete(ItemKey key, Condition condition) implements ItemWrite {
    public Delete {
      condition = condition == null ? Condition.NONE : condition;
    }
  }
}
