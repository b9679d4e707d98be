package dev.tally.query;

import dev.tally.core.agg.Periods;
import dev.tally.core.agg.Sums;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.MetricKeys;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Reads the customer items ({@link MetricKeys}: the sharded customer index, the buyers partitions
 * and, for first/last seen, the person's own day items). Every read is a bounded number of queries:
 * 16 for a prefix search, one per part of the range's cover (at most {@link #MAX_PER_PARTITION}
 * items each) for a range, a few per customer returned. Stored values that are missing or not
 * numbers read as absent, so nothing stored makes a read fail.
 */
final class CustomersReader {
  /** Buyers read from one partition at most; a range with more is answered as incomplete. */
  static final int MAX_PER_PARTITION = 5_000;

  /** Day items read per query of a person's partition, and pages read at most for last seen. */
  static final int PAGE = 32;

  static final int MAX_PAGES = 16;

  /** Bounds of every day sort key (four-digit years sort as text in date order). */
  private static final LocalDate FIRST_DAY = LocalDate.of(0, 1, 1);

  private static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);

  private final ItemStore items;

  /** Side-by-side reads share the query side's bounded pool, when the store gains from it. */
  private final Executor readers;

  CustomersReader(ItemStore items) {
    this.items = items;
    this.readers = MetricsReader.readersOf(items);
  }

  /** One customer's orders and revenue (minor units) over some period. */
  record Totals(long orders, long revenue) {
    static final Totals ZERO = new Totals(0, 0);

    Totals plus(Totals o) {
      return new Totals(Sums.add(orders, o.orders), Sums.add(revenue, o.revenue));
    }

    static Totals of(Item i) {
      return new Totals(Math.max(0, i.num(MetricKeys.ORDERS_COMPLETED)), i.num(MetricKeys.REVENUE));
    }
  }

  /**
   * A customer's lifetime figures from the index.
   *
   * @param firstOrderDay first store-local day with an order, or null when not recorded
   * @param lastOrderDay last one, or null
   */
  record Lifetime(Totals totals, LocalDate firstOrderDay, LocalDate lastOrderDay) {
    static final Lifetime NONE = new Lifetime(Totals.ZERO, null, null);
  }

  /** First and last activity (epoch millis) of a person, either null when unknown. */
  record Seen(Long first, Long last) {}

  /**
   * Buyers of a range with their orders and revenue in it, and for each the last day of the range
   * they ordered on when {@code lastDays} is asked for.
   *
   * @param complete false when some partition held more than {@link #MAX_PER_PARTITION} buyers
   */
  record RangeBuyers(
      Map<String, Totals> totals, Map<String, LocalDate> lastDay, boolean complete) {}

  /**
   * Result of a prefix search: uids in order with their lifetime figures, and whether more match.
   */
  record Found(Map<String, Lifetime> customers, boolean more) {}

  /** Customers whose uid starts with {@code prefix}: one bounded query per index shard. */
  Found search(String store, String prefix, int limit) {
    List<CompletableFuture<List<Item>>> shards = new ArrayList<>();
    for (int k = 0; k < MetricKeys.CUSTOMER_SHARDS; k++) {
      ItemQuery q =
          ItemQuery.between(
                  MetricKeys.customersPk(store, k),
                  MetricKeys.customerSk(prefix),
                  MetricKeys.customerSk(prefix) + "\uffff")
              .limit(limit + 1);
      shards.add(CompletableFuture.supplyAsync(() -> items.query(q), readers));
    }
    java.util.TreeMap<String, Lifetime> all = new java.util.TreeMap<>();
    for (var shard : shards) {
      for (Item i : join(shard)) {
        String uid = MetricKeys.uidOfCustomerSk(i.key().sk());
        if (uid != null && uid.startsWith(prefix)) {
          all.put(uid, lifetime(i));
        }
      }
    }
    Map<String, Lifetime> out = new LinkedHashMap<>();
    for (var e : all.entrySet()) {
      if (out.size() == limit) {
        break;
      }
      out.put(e.getKey(), e.getValue());
    }
    return new Found(out, all.size() > limit);
  }

  /** Lifetime figures of these uids: one batch read of their index items. */
  Map<String, Lifetime> lifetimes(String store, List<String> uids) {
    Map<ItemKey, String> keys = new LinkedHashMap<>();
    for (String uid : uids) {
      keys.put(MetricKeys.customerKey(store, uid), uid);
    }
    Map<String, Lifetime> out = new HashMap<>();
    items.getAll(keys.keySet()).forEach((k, i) -> out.put(keys.get(k), lifetime(i)));
    return out;
  }

  /**
   * The range's buyers summed over its cover (whole months, whole weeks, edge days). With {@code
   * lastDays}, also each buyer's last order day in the range, found by reading day partitions from
   * the end of the range back (skipping parts without buyers) until {@code wanted} buyers are
   * known, so at most one query per day of the range and usually a few.
   */
  RangeBuyers range(String store, DateRange range, boolean lastDays, int wanted) {
    List<Periods.Part> cover = Periods.cover(range.from(), range.to());
    List<CompletableFuture<List<Item>>> reads = new ArrayList<>();
    for (Periods.Part part : cover) {
      reads.add(read(MetricKeys.buyersPk(store, part)));
    }
    Map<String, Totals> totals = new HashMap<>();
    Map<Periods.Part, List<Item>> byPart = new LinkedHashMap<>();
    boolean complete = true;
    for (int p = 0; p < cover.size(); p++) {
      List<Item> got = join(reads.get(p));
      if (got.size() > MAX_PER_PARTITION) {
        complete = false;
        got = got.subList(0, MAX_PER_PARTITION);
      }
      byPart.put(cover.get(p), got);
      for (Item i : got) {
        String uid = MetricKeys.uidOfCustomerSk(i.key().sk());
        if (uid != null) {
          totals.merge(uid, Totals.of(i), Totals::plus);
        }
      }
    }
    Map<String, LocalDate> last = new LinkedHashMap<>();
    if (lastDays) {
      for (int p = cover.size() - 1; p >= 0 && last.size() < wanted; p--) {
        Periods.Part part = cover.get(p);
        if (byPart.get(part).isEmpty()) {
          continue;
        }
        for (LocalDate d = part.end(); !d.isBefore(part.start()) && last.size() < wanted; ) {
          List<Item> day =
              part.kind() == Periods.Kind.DAY
                  ? byPart.get(part)
                  : join(read(MetricKeys.buyersPk(store, new Periods.Part(Periods.Kind.DAY, d))));
          if (day.size() > MAX_PER_PARTITION) {
            complete = false;
            day = day.subList(0, MAX_PER_PARTITION);
          }
          for (Item i : day) {
            String uid = MetricKeys.uidOfCustomerSk(i.key().sk());
            if (uid != null) {
              last.putIfAbsent(uid, d);
            }
          }
          d = d.minusDays(1);
        }
      }
    }
    return new RangeBuyers(totals, last, complete);
  }

  /** First and last seen of each uid, from its person-day items, read side by side. */
  Map<String, Seen> seen(String store, Map<String, Lifetime> customers) {
    Map<String, CompletableFuture<Seen>> reads = new LinkedHashMap<>();
    customers.forEach(
        (uid, l) ->
            reads.put(uid, CompletableFuture.supplyAsync(() -> seen(store, uid, l), readers)));
    Map<String, Seen> out = new HashMap<>();
    reads.forEach((uid, f) -> out.put(uid, join(f)));
    return out;
  }

  /**
   * The first day item's {@code firstSeen} (days ascend, so it is the earliest), and the greatest
   * {@code lastSeen} from the last order day on: pages of {@link #PAGE} day items, at most {@link
   * #MAX_PAGES} of them (a person active on more days than that after their last order shows the
   * last seen of those days). Device-only days carry neither and are skipped.
   */
  private Seen seen(String store, String uid, Lifetime l) {
    String pk = MetricKeys.userPk(store, uid);
    Long first = null;
    LocalDate from = FIRST_DAY;
    for (int page = 0; page < MAX_PAGES && first == null && from != null; page++) {
      List<Item> got = days(pk, from);
      for (Item i : got) {
        first = i.numOrNull(MetricKeys.FIRST_SEEN);
        if (first != null) {
          break;
        }
      }
      from = next(got);
    }
    Long last = null;
    from = l.lastOrderDay() == null ? FIRST_DAY : l.lastOrderDay();
    for (int page = 0; page < MAX_PAGES && from != null; page++) {
      List<Item> got = days(pk, from);
      for (Item i : got) {
        Long t = i.numOrNull(MetricKeys.LAST_SEEN);
        if (t != null && (last == null || t > last)) {
          last = t;
        }
      }
      from = next(got);
    }
    return new Seen(first, last);
  }

  /** Up to {@link #PAGE} day items of a person from {@code from} on. */
  private List<Item> days(String pk, LocalDate from) {
    return items.query(
        ItemQuery.between(pk, MetricKeys.daySk(from), MetricKeys.daySk(LAST_DAY)).limit(PAGE));
  }

  /** The day after a full page's last item, or null when the page was the last one. */
  private static LocalDate next(List<Item> page) {
    if (page.size() < PAGE) {
      return null;
    }
    try {
      return MetricKeys.dayOf(page.get(page.size() - 1).key().sk()).plusDays(1);
    } catch (RuntimeException e) {
      return null; // a sort key that names no day: stop rather than fail the read
    }
  }

  private CompletableFuture<List<Item>> read(String pk) {
    return CompletableFuture.supplyAsync(
        () -> items.query(ItemQuery.partition(pk).limit(MAX_PER_PARTITION + 1)), readers);
  }

  private static Lifetime lifetime(Item i) {
    LocalDate first = null;
    LocalDate last = null;
    for (long d : i.marks(MetricKeys.ORDER_DAYS)) {
      // A garbled day is ignored rather than failing the read.
      if (d < -365_000L || d > 3_650_000L) {
        continue;
      }
      LocalDate day = LocalDate.ofEpochDay(d);
      first = first == null || day.isBefore(first) ? day : first;
      last = last == null || day.isAfter(last) ? day : last;
    }
    return new Lifetime(Totals.of(i), first, last);
  }

  private static <T> T join(CompletableFuture<T> f) {
    return MetricsReader.join(f);
  }
}
