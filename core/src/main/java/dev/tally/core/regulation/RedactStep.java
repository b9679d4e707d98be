package dev.tally.core.regulation;

import dev.tally.core.event.Event;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.store.Store;
import dev.tally.core.time.DayBucketer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes the people's events from one {@link Redactor}; before each group is removed, their
 * store-local days are saved on the regulation (for the sketch rebuild) and ingest's dedup records
 * of their message ids are deleted (those hold the ids for 24 h).
 */
public final class RedactStep implements DeletionStep {
  private final Redactor redactor;
  private final ItemStore dedup;
  private final Regulations regulations;

  /**
   * @param dedup ingest's dedup table, or null when it has none
   */
  public RedactStep(Redactor redactor, ItemStore dedup, Regulations regulations) {
    this.redactor = redactor;
    this.dedup = dedup;
    this.regulations = regulations;
  }

  @Override
  public String name() {
    return redactor.name();
  }

  @Override
  public Outcome run(RegulationState state, Store store) {
    RegulationState[] s = {state};
    String detail =
        redactor.redact(
            store.id(),
            Suppressed.naming(state.ids()),
            events -> {
              Set<LocalDate> days = new TreeSet<>();
              java.util.Map<ItemKey, ItemWrite> byKey = new java.util.LinkedHashMap<>();
              for (Event e : events) {
                days.add(DayBucketer.day(e.header().timestamp(), store.timezone()));
                ItemKey k = ItemKey.of(store.id() + "#" + e.messageId(), "");
                byKey.put(k, ItemWrite.delete(k, null));
              }
              List<ItemWrite> deletes = new ArrayList<>(byKey.values());
              if (!s[0].days().containsAll(days)) {
                s[0] = s[0].withDays(days);
                regulations.save(s[0]);
              }
              if (dedup != null) {
                int per = Math.min(100, dedup.maxWritesPerCall());
                for (int i = 0; i < deletes.size(); i += per) {
                  dedup.write(deletes.subList(i, Math.min(deletes.size(), i + per)));
                }
              }
            });
    return new Outcome(s[0], detail);
  }
}
