package dev.tally.testkit;

import dev.tally.core.item.Item;
import dev.tally.core.item.ItemStore;
import java.util.List;
import java.util.function.Supplier;

/**
 * A fresh table on some engine, with a way to read every item back (a scan, for tests only: the
 * product never scans).
 */
public record EngineTable(String engine, ItemStore store, Supplier<List<Item>> scan) {
  public List<Item> all() {
    return scan.get();
  }
}
