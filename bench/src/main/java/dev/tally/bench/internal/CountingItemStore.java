package dev.tally.bench.internal;

import dev.tally.core.item.ForwardingItemStore;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * An {@link ItemStore} that passes every call on and counts them per operation; with {@link
 * #accountWrites()} it also counts what the writes cost in DynamoDB's terms (requests, item writes,
 * {@link WriteUnits}), reading each written item back to size it. The time of those read-backs is
 * kept apart ({@link #accountingNanos()}) so that throughput can leave it out.
 */
public final class CountingItemStore extends ForwardingItemStore {
  /** Items per BatchWriteItem call: how DynamoDB would split a {@link #putAll}. */
  private static final int BATCH_WRITE = 25;

  private final boolean accountWrites;
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder itemWrites = new LongAdder();
  private final LongAdder units = new LongAdder();
  private final LongAdder accountingNanos = new LongAdder();

  private CountingItemStore(ItemStore delegate, boolean accountWrites) {
    super(delegate);
    this.accountWrites = accountWrites;
  }

  /** Counts calls per operation only. */
  public static CountingItemStore wrap(ItemStore delegate) {
    return new CountingItemStore(delegate, false);
  }

  /** Counts calls, and the write requests, item writes and write units of every write. */
  public static CountingItemStore accountWrites(ItemStore delegate) {
    return new CountingItemStore(delegate, true);
  }

  /** Port calls so far, all operations together. */
  public long total() {
    return calls.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Port calls so far per operation ({@code get}, {@code getAll}, {@code query}, …), sorted. */
  public Map<String, Long> byOperation() {
    Map<String, Long> out = new TreeMap<>();
    calls.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Write requests as DynamoDB would receive them (a write call, or a BatchWriteItem of 25). */
  public long writeRequests() {
    return requests.sum();
  }

  /** Items written (each item of a transaction counts). */
  public long itemWrites() {
    return itemWrites.sum();
  }

  /** Write units by DynamoDB's rules, from the sizes of the items as written. */
  public long writeUnits() {
    return units.sum();
  }

  /** Time spent reading written items back to size them. */
  public long accountingNanos() {
    return accountingNanos.sum();
  }

  public void reset() {
    calls.clear();
    requests.reset();
    itemWrites.reset();
    units.reset();
    accountingNanos.reset();
  }

  private void count(String op) {
    calls.computeIfAbsent(op, k -> new LongAdder()).increment();
  }

  @Override
  public Optional<Item> get(ItemKey key) {
    count("get");
    return delegate.get(key);
  }

  @Override
  public Map<ItemKey, Item> getAll(Collection<ItemKey> keys) {
    count("getAll");
    return delegate.getAll(keys);
  }

  @Override
  public List<Item> query(ItemQuery query) {
    count("query");
    return delegate.query(query);
  }

  @Override
  public void write(List<? extends ItemWrite> writes) {
    count("write");
    try {
      delegate.write(writes);
    } catch (RuntimeException e) {
      // A refused or failed request is still a request (DynamoDB bills failed conditions too).
      if (accountWrites) {
        requests.increment();
      }
      throw e;
    }
    if (!accountWrites) {
      return;
    }
    long start = System.nanoTime();
    requests.increment();
    itemWrites.add(writes.size());
    // One write is a single-item request; several are one transaction, which costs double.
    int factor = writes.size() == 1 ? 1 : 2;
    List<ItemKey> keys = new ArrayList<>(writes.size());
    writes.forEach(w -> keys.add(w.key()));
    Map<ItemKey, Item> written = delegate.getAll(keys);
    for (ItemKey k : keys) {
      units.add((long) factor * WriteUnits.units(written.get(k)));
    }
    accountingNanos.add(System.nanoTime() - start);
  }

  @Override
  public void putAll(Collection<Item> items) {
    count("putAll");
    delegate.putAll(items);
    if (accountWrites) {
      requests.add((items.size() + BATCH_WRITE - 1) / BATCH_WRITE);
      itemWrites.add(items.size());
      items.forEach(i -> units.add(WriteUnits.units(i)));
    }
  }
}
