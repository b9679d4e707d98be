package dev.tally.core.item;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * Port: an engine's live metrics table beside the staging tables a fresh rebuild writes into, and
 * the switch of a store's items from a staging table to the live one. For offline jobs only.
 */
public interface ItemTables {
  /** The table live aggregation writes and the query API reads. */
  ItemStore live();

  /** A name for a new staging table, unique to {@code now}. */
  String newStagingName(Instant now);

  /** The staging table of this name, created when missing (a resumed rebuild reopens it). */
  ItemStore staging(String name);

  /**
   * The live items of {@code table} whose partition key starts with {@code pkPrefix} and whose sort
   * key is {@code sk}. May read the whole table.
   */
  List<Item> scan(ItemStore table, String pkPrefix, String sk);

  /**
   * Replaces the live table's items whose partition key starts with {@code pkPrefix} and that
   * {@code replaced} accepts (it sees the live or the staging item) by those of the staging table
   * (removing the ones the staging table lacks); the staging table's other items are added only
   * where absent. Returns the items written. Repeating it gives the same table.
   */
  int switchTo(String staging, String pkPrefix, Predicate<Item> replaced);

  /** Removes a staging table; nothing when it is gone already. */
  void drop(String staging);

  /** True when readers see a switch's old items or its new ones, never a mix. */
  boolean atomicSwitch();
}
