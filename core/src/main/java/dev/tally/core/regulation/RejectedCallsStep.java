package dev.tally.core.regulation;

import dev.tally.core.item.Item;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.Store;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes the calls ingest refused (ingest's {@code ItemRejectedEvents}, kept 7 days for {@code
 * tally dlq}) whose JSON names one of the people. Idempotent.
 */
public final class RejectedCallsStep implements DeletionStep {
  private final ItemStore items;
  private final Clock clock;

  public RejectedCallsStep(ItemStore items, Clock clock) {
    this.items = items;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "delete-rejected-calls";
  }

  @Override
  public Outcome run(RegulationState state, Store store) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    List<ItemWrite> deletes = new ArrayList<>();
    for (int d = 0; d <= MetricKeys.REJECTED_RETENTION.toDays() + 1; d++) {
      for (Item i :
          items.query(ItemQuery.partition(MetricKeys.rejectedPk(store.id(), today.minusDays(d))))) {
        if (PersonItemsStep.mentions(i, state.ids())) {
          deletes.add(ItemWrite.delete(i.key(), null));
        }
      }
    }
    int per = Math.min(100, items.maxWritesPerCall());
    for (int i = 0; i < deletes.size(); i += per) {
      items.write(deletes.subList(i, Math.min(deletes.size(), i + per)));
    }
    return new Outcome(state, deletes.size() + " refused call(s) deleted");
  }
}
