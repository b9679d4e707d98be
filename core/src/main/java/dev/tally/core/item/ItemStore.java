package dev.tally.core.item;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Port: one table of Tally items ({@code pk}, {@code sk}, typed attributes), the storage model on
 * every engine. Reads are strongly consistent. Items whose {@link #EXPIRES_AT} (epoch seconds) has
 * passed are never returned and are removed eventually.
 *
 * <p>Every method throws {@link dev.tally.core.error.RetryableException} when the engine is
 * unavailable, throttles, or a concurrent transaction conflicted; the same call may succeed later.
 */
public interface ItemStore {
  /** Epoch seconds after which an item is gone (DynamoDB's TTL attribute). */
  String EXPIRES_AT = "expiresAt";

  /** How long a read or write may take before the engine gives up (informational). */
  Duration TIMEOUT = Duration.ofSeconds(10);

  /** The most writes one {@link #write} call may hold (DynamoDB: 100). */
  int maxWritesPerCall();

  Optional<Item> get(ItemKey key);

  /** The items that exist among {@code keys} (any number of keys). */
  Map<ItemKey, Item> getAll(Collection<ItemKey> keys);

  /** Items of one partition in sort-key order (the engine pages as needed). */
  List<Item> query(ItemQuery query);

  /**
   * Applies every write or none. Keys must be distinct and at most {@link #maxWritesPerCall()}.
   *
   * @throws ConditionFailedException when a condition does not hold; nothing was written
   */
  void write(List<? extends ItemWrite> writes);

  /** Unconditional puts, not atomic as a whole; each item is written whole or not at all. */
  void putAll(Collection<Item> items);

  /**
   * Whether the store lives in this process (a local file, or memory) rather than across a network.
   * Callers size their work by it. Embedded: reads take microseconds, so handing them to other
   * threads costs more (and makes slow outliers) than it saves; and a commit (an fsync) costs far
   * more than the items in it, so many independent items go in one {@link #write}. Across a network
   * (DynamoDB): reads mostly wait, so they go side by side; and a transaction costs twice the write
   * units of single-item writes.
   */
  default boolean embedded() {
    return false;
  }
}
